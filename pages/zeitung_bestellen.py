"""Zeitung bestellen: the campaign newspaper by post for one Linksaktive:r of your area."""

import streamlit as st

import appctx
from components.contact_picker import contact_picker
from components.edition_select import edition_select
from components.figures import decimal_columns
from components.text import area_line, plain
from domain.formatting import format_decimal, format_int
from domain.roles import may
from services.contacts.card import search_contacts
from services.core.settings import get_settings
from services.newspaper import editions as ed_service
from services.newspaper import orders
from services.newspaper.eligibility import assess
from services.newspaper.free_list import MAX_PEOPLE, free_list, order_for
from services.newspaper.listing import order_table

user = appctx.guard("pages/zeitung_bestellen.py")
st.title("Zeitung bestellen")
area_line(
    user.area,
    "Wer keine Geschäftsstelle in Reichweite hat, bekommt die Zeitung kostenlos "
    "zugeschickt; alle anderen holen sie in der nächsten Geschäftsstelle ab.",
)
appctx.flash()
# After ordering from the list the chosen people are no longer in it: the choice starts afresh.
if st.session_state.pop("np_free_done", False):
    for key in ("np_free_all", "np_free_chosen"):
        st.session_state.pop(key, None)
reach = get_settings().reach.default_km
MY_ORDERS = 200

edition_id = edition_select(
    appctx.read(ed_service.edition_list),
    "np_single_edition",
    "Es gibt noch keine Ausgabe. Das Linksaktiv-Team legt Ausgaben an.",
)


def _search(query: str, page: int):
    # On an error the order list below still shows.
    return appctx.read(search_contacts, query, page, fallback=([], False))


def _order_form(contact_id: int) -> None:
    facts = appctx.read(
        orders.open_for_order,
        contact_id,
        edition_id,
        fallback=None,
        audit_open=st.session_state.get("np_single_opened") != contact_id,
    )
    if facts is None:
        return
    st.session_state["np_single_opened"] = contact_id
    available = appctx.read(orders.free_copies, edition_id, fallback=None)
    if available is None:
        return
    verdict = assess(facts, reach)
    st.divider()
    left, right = st.columns(2)
    with left:
        st.subheader("Versandadresse")
        st.text(f"{facts.first_name} {facts.last_name}\n{facts.street or '—'}\n{facts.plz} {facts.city}")
    with right:
        st.subheader("Nächste Geschäftsstelle")
        if facts.nearest_office_name:
            st.text(
                f"{facts.nearest_office_name}\n{facts.nearest_office_address}\n"
                f"{format_decimal(facts.nearest_office_km)} km entfernt"
            )
        else:
            st.text("Keine Geschäftsstelle bekannt.")
    st.caption(f"Noch frei: {format_int(available)} Exemplare. {orders.STOCK_NOTE}")
    if facts.open_order_status is not None and len(verdict.missing) == 1:
        # Just ordered (or earlier): that is news, not an error.
        st.success("Für diese Person ist die Zeitung dieser Ausgabe bestellt; den Stand siehst du unten.")
    elif verdict.missing:
        st.error("Keine Bestellung möglich:\n\n" + "\n".join(f"- {m}" for m in verdict.missing))
    elif verdict.office_in_reach:
        km = format_decimal(facts.nearest_office_km)
        # The office's name and hours were typed by an admin: they stand above and below as plain text.
        st.info(
            f"Abholung: Die nächste Geschäftsstelle ist nur {km} km entfernt "
            f"(Reichweite {format_decimal(reach)} km). Die Zeitung liegt dort bereit."
        )
        if facts.nearest_office_hours:
            plain(f"Öffnungszeiten: {facts.nearest_office_hours}")
        if may(user.role, "newspaper.override"):
            with st.form("np_override"):
                bundles = st.number_input("Bündel", 1, orders.MAX_BUNDLES, 1, step=1, key="np_override_bundles")
                reason = st.text_area("Begründung für den Versand trotz Geschäftsstelle")
                if st.form_submit_button("Trotzdem versenden"):
                    with st.spinner("Die Bestellung wird angelegt …"):
                        appctx.act(
                            orders.create_single_order,
                            edition_id,
                            contact_id,
                            int(bundles),
                            reach,
                            override_reason=reason,
                            success=lambda oid: f"Bestellung {oid} angelegt (Versand mit Begründung).",
                        )
    else:
        st.success("Kostenloser Versand: keine Geschäftsstelle in Reichweite.")
        with st.form("np_order"):
            bundles = st.number_input(
                "Bündel", 1, orders.MAX_BUNDLES, 1, step=1, key="np_bundles", help="Die Menge wird in Bündeln bestellt."
            )
            if st.form_submit_button("Zeitung bestellen", type="primary"):
                with st.spinner("Die Bestellung wird angelegt …"):
                    appctx.act(
                        orders.create_single_order,
                        edition_id,
                        contact_id,
                        int(bundles),
                        reach,
                        success=lambda oid: (
                            f"Bestellung {oid} angelegt. Das Linksaktiv-Team gibt sie frei und verschickt sie."
                        ),
                    )


def _free_list() -> None:
    """Everyone of the area with a right to free shipping; order for several or all in one step."""
    st.subheader("Anspruch auf kostenlosen Versand")
    with st.spinner("Die Liste wird zusammengestellt …"):
        found = appctx.read(free_list, edition_id, reach, fallback=None)
    if found is None:
        return
    if found.count == 0:
        st.info(
            "In deinem Gebiet hat gerade niemand Anspruch auf den kostenlosen Versand dieser Ausgabe: Alle mit "
            "Einwilligung und vollständiger Adresse ohne Geschäftsstelle in Reichweite haben schon eine Bestellung "
            "(oder es gibt niemanden ohne Geschäftsstelle in Reichweite)."
        )
        return
    people = found.people
    st.markdown(
        f"**{format_int(found.count)} Personen** in deinem Gebiet haben Anspruch: keine Geschäftsstelle im Umkreis "
        f"von {format_decimal(reach)} km, Einwilligung für die Zeitung per Post, vollständige Postanschrift und "
        "noch keine Bestellung dieser Ausgabe."
    )
    shown = people.drop(columns=["id"])
    st.dataframe(shown, hide_index=True, width="stretch", column_config=decimal_columns(shown), height=250)
    if found.count > len(people):
        st.caption(
            f"Die Liste zeigt die ersten {format_int(len(people))} (nach Namen); für die übrigen bestelle danach "
            f"noch einmal. Höchstens {format_int(MAX_PEOPLE)} Personen je Schritt."
        )
    labels = {int(r.id): f"{r.Name} · {r.PLZ} {r.Ort}" for r in people.itertuples()}
    every = st.checkbox(f"Alle {format_int(len(labels))} auswählen", key="np_free_all")
    chosen = st.multiselect(
        "Personen auswählen",
        list(labels),
        format_func=labels.get,
        key="np_free_chosen",
        placeholder="Bitte wählen",
        disabled=every,
    )
    ids = list(labels) if every else chosen
    bundles = st.number_input("Bündel pro Person", 1, orders.MAX_BUNDLES, 1, step=1, key="np_free_bundles")
    if st.button(
        f"Zeitung für {format_int(len(ids))} Personen bestellen", type="primary", disabled=not ids, key="np_free_order"
    ):
        with st.spinner(f"{format_int(len(ids))} Bestellungen werden angelegt …"):
            appctx.act(
                order_for,
                edition_id,
                ids,
                int(bundles),
                reach,
                success=lambda made: (
                    f"{format_int(made)} Bestellungen angelegt. Das Linksaktiv-Team gibt sie frei und verschickt sie."
                ),
                then=lambda _: st.session_state.update(np_free_done=True),
            )


if (picked := contact_picker(_search, key="np_single")) is not None:
    _order_form(picked)

_free_list()

st.subheader("Bestellungen in deinem Gebiet")
mine = appctx.read(order_table, edition_id, None, limit=MY_ORDERS, newest_first=True)
if mine.empty:
    st.caption("Für diese Ausgabe gibt es in deinem Gebiet noch keine Bestellung.")
else:
    which = f"Die neuesten {MY_ORDERS}" if len(mine) == MY_ORDERS else "Die"
    st.caption(
        f"{which} Bestellungen dieser Ausgabe mit ihrem Stand; freigeben und verschicken macht das Linksaktiv-Team."
    )
    st.dataframe(mine.drop(columns=["Begründung"]), hide_index=True, width="stretch")

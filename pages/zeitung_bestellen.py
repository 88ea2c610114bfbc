"""Zeitung bestellen: the campaign newspaper by post for one Linksaktive:r of your area."""

import streamlit as st

import appctx
from components.contact_picker import contact_picker
from components.edition_select import edition_select
from components.text import area_line, plain
from domain.formatting import format_decimal, format_int
from domain.roles import may
from services.contacts.card import search_contacts
from services.core.settings import get_settings
from services.newspaper import editions as ed_service
from services.newspaper import orders
from services.newspaper.eligibility import assess
from services.newspaper.listing import order_table

user = appctx.guard("pages/zeitung_bestellen.py")
st.title("Zeitung bestellen")
area_line(
    user.area,
    "Wer keine Geschäftsstelle in Reichweite hat, bekommt die Zeitung kostenlos "
    "zugeschickt; alle anderen holen sie in der nächsten Geschäftsstelle ab.",
)
appctx.flash()
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
    if verdict.missing:
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
                bundles = st.number_input("Bündel", 1, orders.MAX_BUNDLES, 1, key="np_override_bundles")
                reason = st.text_area("Begründung für den Versand trotz Geschäftsstelle")
                if st.form_submit_button("Trotzdem versenden"):
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
                "Bündel", 1, orders.MAX_BUNDLES, 1, key="np_bundles", help="Die Menge wird in Bündeln bestellt."
            )
            if st.form_submit_button("Zeitung bestellen", type="primary"):
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


if (picked := contact_picker(_search, key="np_single")) is not None:
    _order_form(picked)

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

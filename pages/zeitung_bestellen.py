"""Zeitung bestellen: the campaign newspaper by post for one Linksaktive:r of your area."""
import streamlit as st

import appctx
from components.edition_select import edition_select
from components.text import md
from components.contact_picker import contact_picker
from services.contacts.card import search_contacts
from domain.errors import UserError
from services.newspaper import editions as ed_service
from domain.formatting import format_decimal, format_int
from services.newspaper import orders
from services.newspaper.eligibility import assess
from services.newspaper.listing import order_table
from services.core.settings import get_settings

user = appctx.guard("pages/zeitung_bestellen.py")
st.title("Zeitung bestellen")
st.caption(f"Gebiet: {user.area} · Wer keine Geschäftsstelle in Reichweite hat, bekommt die Zeitung kostenlos "
           "zugeschickt; alle anderen holen sie in der nächsten Geschäftsstelle ab.")
reach = get_settings().office_reach_km
MY_ORDERS = 200

with appctx.db_session() as s:
    all_editions = ed_service.editions(s)
edition_id = edition_select(all_editions, "np_single_edition",
                            "Es gibt noch keine Ausgabe. Das Linksaktiv-Team legt Ausgaben an.")


def _search(query: str, page: int):
    with appctx.db_session() as s:
        return search_contacts(s, user.scope, query, page)


try:
    contact_id = contact_picker(_search, key="np_single")
    if contact_id is not None:
        with appctx.db_session() as s:
            facts = orders.open_for_order(s, user.scope, contact_id, edition_id,
                                          audit_open=st.session_state.get("np_single_opened") != contact_id)
            available = orders.available_copies(s, edition_id)
        st.session_state["np_single_opened"] = contact_id
        verdict = assess(facts, reach)
        st.divider()
        left, right = st.columns(2)
        with left:
            st.subheader("Versandadresse")
            st.text(f"{facts.first_name} {facts.last_name}\n{facts.street or '—'}\n{facts.plz} {facts.city}")
        with right:
            st.subheader("Nächste Geschäftsstelle")
            if facts.nearest_office_name:
                st.text(f"{facts.nearest_office_name}\n{facts.nearest_office_address}\n"
                        f"{format_decimal(facts.nearest_office_km)} km entfernt")
            else:
                st.text("Keine Geschäftsstelle bekannt.")
        st.caption(f"Noch frei: {format_int(available)} Exemplare. {orders.STOCK_NOTE}")
        if verdict.missing:
            st.error("Keine Bestellung möglich:\n\n" + "\n".join(f"- {m}" for m in verdict.missing))
        elif verdict.office_in_reach:
            km = format_decimal(facts.nearest_office_km)
            st.info(f"Abholung: {md(facts.nearest_office_name)} ist nur {km} km entfernt "
                    f"(Reichweite {format_decimal(reach)} km). Die Zeitung liegt dort bereit."
                    + (f" Öffnungszeiten: {md(facts.nearest_office_hours)}" if facts.nearest_office_hours else ""))
            if user.role in ("team", "admin"):
                with st.form("np_override"):
                    bundles = st.number_input("Bündel", 1, orders.MAX_BUNDLES, 1, key="np_override_bundles")
                    reason = st.text_area("Begründung für den Versand trotz Geschäftsstelle")
                    if st.form_submit_button("Trotzdem versenden"):
                        with appctx.db_session() as s:
                            oid = orders.create_single_order(s, user.scope, edition_id, contact_id, int(bundles),
                                                             reach, override_reason=reason)
                        st.success(f"Bestellung {oid} angelegt (Versand mit Begründung).")
        else:
            st.success("Kostenloser Versand: keine Geschäftsstelle in Reichweite.")
            with st.form("np_order"):
                bundles = st.number_input("Bündel", 1, orders.MAX_BUNDLES, 1, key="np_bundles",
                                          help="Die Menge wird in Bündeln bestellt.")
                if st.form_submit_button("Zeitung bestellen", type="primary"):
                    with appctx.db_session() as s:
                        oid = orders.create_single_order(s, user.scope, edition_id, contact_id, int(bundles), reach)
                    st.success(f"Bestellung {oid} angelegt. Das Linksaktiv-Team gibt sie frei und verschickt sie.")
except UserError as exc:
    appctx.show_error(exc)

st.subheader("Bestellungen in deinem Gebiet")
with appctx.db_session() as s:
    mine = order_table(s, user.scope, edition_id, None, limit=MY_ORDERS, newest_first=True)
if mine.empty:
    st.caption("Für diese Ausgabe gibt es in deinem Gebiet noch keine Bestellung.")
else:
    which = f"Die neuesten {MY_ORDERS}" if len(mine) == MY_ORDERS else "Die"
    st.caption(f"{which} Bestellungen dieser Ausgabe mit ihrem Stand; freigeben und "
               "verschicken macht das Linksaktiv-Team.")
    st.dataframe(mine.drop(columns=["Begründung"]), hide_index=True, width="stretch")

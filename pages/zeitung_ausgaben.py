"""Zeitungsausgaben (team): create editions, set the stock, see where the copies go."""

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

import appctx
from components.charts import ranked_bars
from components.edition_charts import status_pipeline
from components.edition_map import build_edition_map
from components.edition_select import edition_select
from components.figures import metric_row
from services.core.settings import get_settings
from services.geo.files import attribution_html, kreise_geojson
from services.newspaper import edition_map
from services.newspaper import editions as ed_service
from services.newspaper.orders import STOCK_NOTE

user = appctx.guard("pages/zeitung_ausgaben.py")
st.title("Zeitungsausgaben")
st.caption(STOCK_NOTE)
appctx.flash()

with st.expander("Neue Ausgabe anlegen", expanded=False), st.form("np_new_edition", clear_on_submit=True):
    title = st.text_input("Titel")
    campaign = st.text_input("Kampagne")
    c1, c2, c3 = st.columns(3)
    day = c1.date_input("Erscheinungsdatum", value=date.today(), format="DD.MM.YYYY")
    stock = c2.number_input("Exemplare auf Lager", 0, 10_000_000, 10_000, step=500)
    bundle = c3.number_input("Exemplare pro Bündel", 1, 1000, 50)
    if st.form_submit_button("Ausgabe anlegen", type="primary"):
        with st.spinner("Die Ausgabe wird angelegt …"):
            appctx.act(
                ed_service.create_edition,
                title,
                campaign,
                day,
                int(stock),
                int(bundle),
                success=lambda new_id: f"Ausgabe {new_id} angelegt.",
            )

edition_id = edition_select(appctx.read(ed_service.edition_list), "np_ed_edition", "Es gibt noch keine Ausgabe.")
fig = appctx.read(ed_service.figures, edition_id)
metric_row(
    [
        ("auf Lager", fig.copies_in_stock),
        ("bestellt (zurückgelegt)", fig.reserved),
        ("frei", fig.available),
        ("versandt", fig.shipped),
    ]
)

with st.form("np_stock"):
    new_stock = st.number_input("Bestand ändern (Exemplare)", 0, 10_000_000, fig.copies_in_stock, step=500)
    if st.form_submit_button("Bestand speichern"):
        # The message shows after the rerun that draws the new figures.
        appctx.act(ed_service.set_stock, edition_id, int(new_stock), success="Bestand gespeichert.")

st.subheader("Bestellungen nach Status")
status_pipeline(fig.by_status)
left, right = st.columns(2)
with left:
    st.subheader("Nach Land")
    st.dataframe(fig.by_land, hide_index=True, width="stretch")
with right:
    st.subheader("Nach Kreisverband")
    st.dataframe(fig.by_kv, hide_index=True, width="stretch")
if not fig.by_land.empty:
    st.subheader("Wohin die Exemplare gehen")
    per_kreis = appctx.read(edition_map.copies_per_kreis, edition_id)
    settings = get_settings()
    fmap = build_edition_map(
        kreise_geojson()["features"],
        per_kreis,
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        data_attribution=attribution_html(),
    )
    # returned_objects=[]: panning and zooming must not rerun the page.
    st_folium(fmap, returned_objects=[], height=520, use_container_width=True, key="np_ed_map")
    st.caption("Kreise nach der Versand-PLZ der Bestellungen (ohne stornierte und zurückgekommene).")
    ranked_bars(fig.by_land, "Land", "Exemplare bestellt")

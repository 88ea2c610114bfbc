"""Helfer:innen-Karte: open needs and open offers per Kreis (counts only; leitung suppressed)."""

import streamlit as st
from streamlit_folium import st_folium

import appctx
from components.needs_map import build_needs_map
from components.static_assets import missing_vendor_files
from components.text import area_line
from domain.formatting import format_int
from services.core.settings import get_settings
from services.geo.files import attribution_html, kreis_shapes, laender_table
from services.matching.needs_map import needs_map, ranked

user = appctx.guard("pages/helfer_karte.py")
settings = get_settings()
st.title("Helfer:innen-Karte")
area_line(
    user.area, "Offene Bedarfe der Wahlkampfleitungen und offene Hilfsangebote je Kreis (nur Anzahlen, keine Personen)"
)


data = appctx.read(needs_map)

if missing_vendor_files():
    st.warning("Die Kartenbibliothek fehlt auf dem Server (static/vendor). Bitte wende dich an die Administration.")
if data.suppressed:
    st.info(
        "Du siehst nur Auswertungen: Zahlen unter 5 sind ausgeblendet, ebenso jede Zahl, aus der sie sich "
        "zurückrechnen ließe.",
        icon=":material/shield:",
    )

c = st.columns(3)
c[0].metric("Offene Bedarfe", format_int(data.total_needs), help="Helfer:innen, die Wahlkampfleitungen noch fehlen")
c[1].metric("Offene Angebote", format_int(data.total_offers), help="Hilfsangebote ohne aktive Vermittlung")
c[2].metric("Lücke (Bedarf − Angebote)", format_int(data.total_gap))

left, right = st.columns([3, 2], gap="medium")
with left:
    fmap = build_needs_map(
        data,
        kreis_shapes(data.kreise["ags"]),
        tile_url=settings.tile_url,
        tile_attribution=settings.tile_attribution,
        data_attribution=attribution_html(),
    )
    # returned_objects=[]: panning and zooming must not rerun the page.
    st_folium(fmap, returned_objects=[], height=600, use_container_width=True, key="helfer_map")

with right:
    st.subheader("Kreise nach Lücke")
    table = ranked(data)
    if table.empty:
        st.info(
            "In deinem Gebiet gibt es keine offenen Bedarfe oder Angebote"
            + (" (oder nur weniger als 5)." if data.suppressed else ".")
        )
    else:
        laender = laender_table()
        lands = dict(zip(laender["code"], laender["name"]))
        shown = table.assign(Land=table["land_code"].map(lands))[
            ["name", "Land", "offene_bedarfe", "offene_angebote", "luecke"]
        ].rename(
            columns={
                "name": "Kreis",
                "offene_bedarfe": "Offene Bedarfe",
                "offene_angebote": "Offene Angebote",
                "luecke": "Lücke",
            }
        )
        if data.suppressed:
            for col in ("Offene Bedarfe", "Offene Angebote", "Lücke"):
                shown[col] = [format_int(v) for v in shown[col]]
        st.dataframe(shown, hide_index=True, height=520, width="stretch")
        st.caption("Lücke > 0: dort fehlen Helfer:innen; < 0: dort gibt es mehr Angebote als Bedarf.")

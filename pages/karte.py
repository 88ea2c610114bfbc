"""Karte: where Linksaktive live without a party office in reach (aggregates; leitung suppressed)."""

from datetime import UTC, datetime, time

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import appctx
from components.charts import ranked_bars
from components.figures import compact_columns, key_figure_first
from components.map import build_map
from components.reach import reach_slider
from components.static_assets import missing_vendor_files
from components.text import area_line, area_name, plain
from domain.enums import SOURCES, STATUSES, TOPICS
from domain.formatting import format_int, format_km
from domain.roles import may
from services.core.settings import get_settings
from services.geo.files import attribution_html, kreis_shapes, laender_outlines, laender_table
from services.map import data as mapdata

user = appctx.guard("pages/karte.py")
settings = get_settings()
st.title("Karte")
area_box = st.container()  # filled once the Land and KV selects below are read


def _kv_choices() -> pd.DataFrame:
    # Read on every run (a few hundred rows): a cache in this process would show a KV an admin
    # created or renamed through another app process only minutes later.
    return appctx.read(mapdata.kv_choices)


def _land_select(col) -> str | None:
    laender = laender_table()
    names = dict(zip(laender["code"], laender["name"]))
    return col.selectbox(
        "Land",
        [None, *names],
        placeholder="Bitte wählen",
        format_func=lambda c: "ganz Deutschland" if c is None else names[c],
    )


CSV_READY = "karte_csv"  # (filter, reach, kind) and the file built for them, until it is downloaded
FIXED_VIEW = "Für die Leitung gibt es eine feste Auswertung, damit sich keine kleinen Gruppen herausrechnen lassen."
COLOR_BY = {"count": "Anzahl ohne Büro", "share": "Anteil ohne Büro"}
statuses, topics, sources, since, land_code, kv_id, kv_name = [], [], [], None, None, None, None
reach = settings.reach.default_km  # leitung: the service always takes the configured reach
regions = appctx.read(mapdata.region_filters)
c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
if regions.land:
    land_code = _land_select(c1)
color_by = c2.radio("Kreise einfärben nach", list(COLOR_BY), horizontal=True, format_func=COLOR_BY.get)
show_heat = c3.toggle("Dichte aller", help="Heatmap aller Linksaktiven aus den PLZ-Zahlen (sonst aus)")
if user.sees_persons:
    with st.expander("Filter und Reichweite", expanded=False, icon=":material/filter_alt:"):
        f1, f2, f3 = st.columns(3)
        statuses = f1.multiselect("Status", list(STATUSES), format_func=STATUSES.get, placeholder="alle")
        topics = f2.multiselect("Thema", list(TOPICS), format_func=TOPICS.get, placeholder="alle")
        sources = f3.multiselect("Quelle", list(SOURCES), format_func=SOURCES.get, placeholder="alle")
        f4, f5, f6 = st.columns(3)
        since = f4.date_input("Angelegt seit", value=None, format="DD.MM.YYYY")
        if regions.kv:
            kvs = _kv_choices()
            area = regions.land_code or land_code
            options = kvs if not area else kvs[kvs["land_code"] == area]
            names = dict(zip(options["id"], options["name"]))
            kv_id = f5.selectbox(
                "Kreisverband",
                [None, *names],
                format_func=lambda i: "alle" if i is None else names[i],
                placeholder="Bitte wählen",
            )
            kv_name = names.get(kv_id)
        reach = reach_slider(
            settings.reach,
            f6,
            help="Wer weiter als das von der nächsten Geschäftsstelle wohnt, gilt als ohne Büro in Reichweite.",
        )
else:
    st.caption(FIXED_VIEW + f" Reichweite einer Geschäftsstelle: {format_km(settings.reach.default_km)}.")

laender = laender_table()
area_line(
    area_name(user.area, kv_name, dict(zip(laender["code"], laender["name"])).get(land_code)),
    "Linksaktive ohne Geschäftsstelle in Reichweite, je PLZ und Kreis",
    container=area_box,
)

since_dt = datetime.combine(since, time.min, tzinfo=UTC) if since else None
flt = mapdata.ContactFilter(
    statuses=tuple(statuses),
    topics=tuple(topics),
    sources=tuple(sources),
    created_since=since_dt,
    land_code=land_code,
    kv_id=kv_id,
)
view = appctx.read(mapdata.build_view, flt, float(reach), background=True)

if missing_vendor_files():
    st.warning("Die Kartenbibliothek fehlt auf dem Server (static/vendor). Bitte wende dich an die Administration.")
if view.suppressed:
    st.info(
        "Du siehst nur Auswertungen: Zahlen unter 5 sind ausgeblendet, PLZ mit weniger als 5 Linksaktiven "
        "erscheinen nicht.",
        icon=":material/shield:",
    )

if view.topics_pending:
    st.caption("Die Themen je PLZ werden gerade berechnet und erscheinen beim nächsten Laden in den Popups.")


def _keep_csv(wanted: tuple):
    def then(result: tuple[bytes, str]) -> None:
        st.session_state[CSV_READY] = (wanted, result)

    return then


# Full width: the map is the page's main figure; it fits the chosen Land (or the user's area).
fmap = build_map(
    view,
    kreis_shapes(view.kreis_ags),
    tile_url=settings.tile_url,
    tile_attribution=settings.tile_attribution,
    data_attribution=attribution_html(),
    color_by=color_by,
    show_heat=show_heat,
    land_features=laender_outlines(),
    land_chosen=bool(land_code or kv_id or regions.land_code) or not regions.land,
)
# returned_objects=[]: panning and zooming must not rerun the page.
st_folium(fmap, returned_objects=[], height=620, use_container_width=True, key="karte_map")
st.caption(
    "Ganz Deutschland: Kreise nach Linksaktiven ohne Geschäftsstelle in Reichweite. Die einzelnen PLZ erscheinen "
    "ab der Ansicht eines Landes (hineinzoomen oder oben ein Land wählen). Die Reichweiten-Kreise lassen sich oben "
    "rechts in der Karte einschalten, die Dichte mit dem Schalter „Dichte aller“ über der Karte."
)

chart, right = st.columns([1, 1], gap="medium")
with chart:
    st.subheader("Kreise mit den meisten ohne Büro" if color_by == "count" else "Kreise mit dem höchsten Anteil")
    ranking = mapdata.kreis_ranking(view, color_by)
    if ranking.empty:
        st.info(
            "In diesem Gebiet haben alle Linksaktiven eine Geschäftsstelle in Reichweite (oder die Zahlen sind ausgeblendet)."
        )
    else:
        ranked_bars(ranking, "Kreis", ranking.columns[1])
with right:
    st.subheader("Weiße Flecken")
    far_label = f"Linksaktive ohne Büro im Umkreis von {format_km(view.reach_km)}"
    far_help = f"von {format_int(view.total)} Linksaktiven im Gebiet, alle PLZ-Gebiete zusammen"
    if view.suppressed:
        far_help += "; dieselbe Zahl wie in der Übersicht (ausgeblendet nur, wo sich sonst eine kleine Gruppe herausrechnen ließe)"
    st.metric(far_label, format_int(view.far_total), help=far_help)
    tab_plz, tab_kreise = st.tabs(["PLZ-Gebiete", "Kreise"])
    clicked_plz = None
    for tab, kind in ((tab_plz, "plz"), (tab_kreise, "kreise")):
        with tab:
            shown = mapdata.shown_table(view, kind)
            clickable = kind == "plz" and user.sees_persons
            event = st.dataframe(
                shown,
                hide_index=True,
                height=360 if len(shown) > 10 else "auto",
                width="stretch",
                key=f"table_{kind}",
                column_config=compact_columns(shown),
                column_order=key_figure_first(shown.columns),
                on_select="rerun" if clickable else "ignore",
                selection_mode="single-row",
            )
            if clickable and event.selection.rows:
                clicked_plz = str(shown.iloc[event.selection.rows[0]]["PLZ"])
            if clickable:
                st.caption("Klick auf eine Zeile zeigt die Linksaktiven dieser PLZ.")
            # The file is built (and audited) only on this click and handed out once: nothing waits on
            # Streamlit's media endpoint for a table nobody asked for.
            wanted_csv = (flt, float(reach), kind)
            if st.button(
                "Als CSV exportieren", icon=":material/table_view:", key=f"export_{kind}", disabled=shown.empty
            ):
                appctx.act(
                    mapdata.whitespot_csv,
                    flt,
                    float(reach),
                    kind,
                    success=[],
                    rerun=False,
                    then=_keep_csv(wanted_csv),
                )
            ready = st.session_state.get(CSV_READY)
            if ready and ready[0] == wanted_csv:
                data, name = ready[1]
                st.download_button(
                    "CSV herunterladen",
                    data=data,
                    file_name=name,
                    mime="text/csv",
                    icon=":material/download:",
                    key=f"download_{kind}",
                    on_click=lambda: st.session_state.pop(CSV_READY, None),
                )

if user.sees_persons and not view.plz_table.empty:
    st.subheader("Linksaktive einer PLZ")
    with st.form("plz_persons"):
        # One lookup table, not one per option: thousands of PLZ would take seconds per run.
        places = dict(zip(view.plz_table["PLZ"], view.plz_table["Ort"]))
        plz = st.selectbox(
            "PLZ-Gebiet", list(places), format_func=lambda p: f"{p} {places[p]}", placeholder="Bitte wählen"
        )
        show = st.form_submit_button("Linksaktive anzeigen", icon=":material/group:")
    listed = st.session_state.get("karte_persons")
    last_click = st.session_state.get("karte_last_click")
    st.session_state["karte_last_click"] = clicked_plz
    if show:
        wanted = plz
    elif clicked_plz and clicked_plz != last_click:
        wanted = clicked_plz
    else:
        wanted = listed[0][0] if listed else None
    # Fetch (and audit) once per requested PLZ and filter; later reruns show the kept list.
    if wanted and (listed is None or listed[0] != (wanted, flt, reach)):
        persons = appctx.read(mapdata.plz_persons, flt, wanted, fallback=None)
        if persons is not None:
            listed = ((wanted, flt, reach), persons)
            st.session_state["karte_persons"] = listed
    if wanted and listed is not None and listed[0][0] == wanted:
        persons = listed[1]
        plain(f"PLZ {wanted} {places.get(wanted, '')}")
        st.dataframe(
            persons,
            hide_index=True,
            width="stretch",
            column_config={"Angelegt": st.column_config.DatetimeColumn(format="DD.MM.YYYY")},
        )
        st.caption(f"{len(persons)} Linksaktive · der Abruf ist protokolliert.")
        people = dict(zip(persons["Nr."], persons["Vorname"] + " " + persons["Nachname"]))
        chosen = st.selectbox(
            "Weiter mit",
            list(people),
            index=None,
            format_func=lambda i: f"{people[i]} (Nr. {i})",
            placeholder="Bitte wählen",
            key="karte_person",
        )
        if chosen is not None:
            # The target pages open the person from ?kontakt= (scoped and audited there).
            link1, link2 = st.columns(2)
            if may(user.role, "contacts.care"):
                link1.page_link(
                    "pages/kontakte.py",
                    label=f"Karte von {people[chosen]} öffnen",
                    icon=":material/person:",
                    query_params={"kontakt": str(chosen)},
                )
            if may(user.role, "newspaper.order"):
                link2.page_link(
                    "pages/zeitung_bestellen.py",
                    label=f"Zeitung für {people[chosen]} bestellen",
                    icon=":material/local_shipping:",
                    query_params={"kontakt": str(chosen)},
                )

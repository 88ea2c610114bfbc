"""Sammelbestellung: the newspaper for everyone in a region without an office in reach."""

import streamlit as st

import appctx
from components.edition_charts import people_by_land
from components.edition_select import edition_select
from components.figures import decimal_columns, metric_row
from components.reach import reach_slider
from domain.enums import STATUSES, TOPICS
from domain.formatting import format_int
from services.core.settings import get_settings
from services.newspaper import editions as ed_service
from services.newspaper import orders
from services.newspaper.regions import batch_regions

user = appctx.guard("pages/zeitung_sammel.py")
st.title("Sammelbestellung")
st.caption(
    "Alle Linksaktiven einer Region ohne Geschäftsstelle in Reichweite, mit Einwilligung für die "
    "Zeitung per Post und vollständiger Adresse, die für diese Ausgabe noch keine Bestellung haben."
)
appctx.flash()

regions = appctx.read(batch_regions)
edition_id = edition_select(
    appctx.read(ed_service.edition_list),
    "np_batch_edition",
    "Es gibt noch keine Ausgabe. Das Linksaktiv-Team legt Ausgaben an.",
)

c1, c2 = st.columns(2)
land_opts = ([None] if regions.nationwide else []) + [code for code, _ in regions.lands]
land_names = dict(regions.lands)
land = c1.selectbox(
    "Land",
    land_opts,
    format_func=lambda c: "Ganz Deutschland" if c is None else land_names[c],
    placeholder="Bitte wählen",
)
kv_opts = [None] + [kid for kid, _, lc in regions.kvs if land is None or lc == land]
kv_names = {kid: name for kid, name, _ in regions.kvs}
kv = c2.selectbox(
    "Kreisverband", kv_opts, format_func=lambda k: "alle" if k is None else kv_names[k], placeholder="Bitte wählen"
)
c3, c4, c5 = st.columns(3)
topic = c3.selectbox(
    "Thema (optional)",
    [None, *TOPICS],
    format_func=lambda t: "egal" if t is None else TOPICS[t],
    placeholder="Bitte wählen",
)
status = c4.selectbox(
    "Status (optional)",
    [None, *STATUSES],
    format_func=lambda t: "egal" if t is None else STATUSES[t],
    placeholder="Bitte wählen",
)
bundles = int(c5.number_input("Bündel pro Person", 1, orders.MAX_BUNDLES, 1, step=1))
reach = reach_slider(get_settings().reach)
flt = orders.BatchFilter(reach_km=reach, land_code=land, kv_id=kv, topic=topic, status=status)
params = (edition_id, flt, bundles)
st.caption(
    orders.STOCK_NOTE + " Beim Bestätigen wird alles neu gezählt: Weichen die Zahlen von der Vorschau "
    "ab, wird nichts bestellt und die neue Vorschau gezeigt."
)


def _preview():
    """Count the batch now and keep the figures for these settings (None after an error, shown in place)."""
    with st.spinner("Die Vorschau wird berechnet …"):
        pv = appctx.read(orders.preview_batch, edition_id, flt, bundles, fallback=None)
    if pv is not None:
        st.session_state["np_batch_preview"] = (params, pv)
        st.session_state.pop("np_batch_result", None)
    return pv


def _confirmed(made) -> None:
    # The preview and its button go: they describe people who now have their order. The result
    # stays in their place until the next preview.
    st.session_state.pop("np_batch_preview", None)
    st.session_state["np_batch_result"] = (params, made, made * pv.copies // max(pv.people, 1))


if st.button("Vorschau berechnen", icon=":material/preview:"):
    _preview()
stored = st.session_state.get("np_batch_preview")
result = st.session_state.get("np_batch_result")
if result and not stored:
    _, made, copies = result
    with st.container(border=True):
        st.markdown(
            f"**Angelegt:** {format_int(made)} Bestellungen mit {format_int(copies)} Exemplaren. "
            "Das Linksaktiv-Team gibt sie unter „Zeitungsversand“ frei. Für eine weitere Sammelbestellung "
            "berechne die Vorschau neu."
        )
if stored and stored[0] != params:
    st.info("Die Auswahl hat sich geändert. Bitte berechne die Vorschau neu.")
elif stored:
    pv = stored[1]
    metric_row(
        [
            ("Personen", pv.people),
            ("Exemplare", pv.copies),
            ("frei jetzt", pv.available),
            ("frei danach", pv.stock_left_after),
        ]
    )
    if not pv.sample.empty:
        sample = pv.sample.drop(columns=["id"])
        st.dataframe(sample, hide_index=True, width="stretch", column_config=decimal_columns(sample))
    if pv.by_land is not None and len(pv.by_land) > 1:
        st.markdown("**Nach Land**")
        people_by_land(pv.by_land)
    if not pv.fits:
        st.error("Der Bestand reicht für diese Auswahl nicht. Grenze die Auswahl ein.")
    elif pv.people == 0:
        st.info("Für diese Auswahl gibt es niemanden, der noch keine Bestellung hat.")
    elif st.button(f"{format_int(pv.people)} Bestellungen anlegen", type="primary"):
        with st.spinner(f"{format_int(pv.people)} Bestellungen werden angelegt …"):
            appctx.act(
                orders.confirm_batch,
                edition_id,
                flt,
                bundles,
                pv.people,
                pv.copies,
                then=_confirmed,
                success=lambda made: f"{made} Bestellungen mit {pv.copies} Exemplaren angelegt.",
            )
        # Only reached when the batch was refused (the error shows above): the figures as they are now.
        if (new := _preview()) is not None:
            st.warning(
                f"Aktuelle Zahlen: {new.people} Personen, {new.copies} Exemplare, danach frei "
                f"{new.stock_left_after}. Prüfe sie und bestätige erneut."
            )

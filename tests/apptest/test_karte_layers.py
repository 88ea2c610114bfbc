"""AppTest of the Karte's layers: PLZ detail only from the Land zoom on, count/share switch, km scale, bars."""

from __future__ import annotations

import json

from services.map import data as mapdata
from services.map import figures as mf
from tests.support.apptest import ROLES_USERS

PAGE = "pages/karte.py"


def _script(at) -> str:
    return json.loads(at.get("component_instance")[0].proto.json_args)["script"]


def test_national_map_has_kreise_but_plz_only_from_land_zoom_and_km_scale(run_page):
    at = run_page(PAGE, ROLES_USERS["team"])
    assert not at.exception, at.exception
    script = _script(at)
    assert "M.getZoom() >= 7" in script  # no PLZ marker at the national zoom
    assert "imperial: false" in script and "L.control.scale()" not in script
    assert "Hintergrundkarte nicht erreichbar" in script
    assert "Anzahl" in script and "Ländergrenzen" in script


def test_land_view_shows_plz_at_once_and_share_switch_recolours(run_page):
    at = run_page(PAGE, ROLES_USERS["team"])
    land = [sb for sb in at.selectbox if sb.label == "Land"][0]
    land.set_value("14").run()
    assert not at.exception, at.exception
    assert "M.getZoom() >= 0" in _script(at)
    at.radio[0].set_value("share").run()
    assert "Anteil der Linksaktiven ohne Büro in Reichweite (%)" in _script(at)


def test_ranking_is_sorted_and_leaves_hidden_out():
    rows = [
        {"name": "A", "far_count": 7, "far_share": 10.0},
        {"name": "B", "far_count": None, "far_share": None},
        {"name": "C", "far_count": 30, "far_share": 5.0},
    ]
    df = mf.kreis_ranking(rows, "count")
    assert list(df["Kreis"]) == ["C", "A"]
    assert list(mf.kreis_ranking(rows, "share")["Kreis"]) == ["A", "C"]
    assert mapdata.kreis_ranking  # the page's door


def test_plz_person_list_links_to_card_and_ordering(run_page):
    at = run_page(PAGE, "kv-goerlitz")
    [b for b in at.button if b.label == "Linksaktive anzeigen"][0].click()
    at.run()
    pick = [sb for sb in at.selectbox if sb.label == "Weiter mit"][0]
    assert pick.placeholder == "Bitte wählen"
    pick.set_value(pick.options and int(pick.proto.options[0].split("Nr. ")[1].rstrip(")"))).run()
    links = [el.proto for el in at.get("page_link")]
    labels = " ".join(link.label for link in links)
    assert "öffnen" in labels and "bestellen" in labels, labels


def test_leitung_reads_the_same_true_figures_on_karte_and_uebersicht(run_page):
    # One protection run: Germany's number without an office in reach is the true one (every PLZ) on
    # both pages, and a Land view shows that Land's row of the Übersicht's Länder table.
    karte = run_page(PAGE, ROLES_USERS["leitung"])
    uebersicht = run_page("pages/uebersicht.py", ROLES_USERS["leitung"])
    team = run_page("pages/uebersicht.py", ROLES_USERS["team"])
    far = next(m for m in karte.metric if m.label.startswith("Linksaktive ohne Büro"))
    assert "mindestens 5" not in far.label and "alle PLZ-Gebiete" in far.help
    national = {at: next(m.value for m in at.metric if m.label == "ohne Büro") for at in (uebersicht, team)}
    assert far.value == national[uebersicht] == national[team]
    table = next(df.value for df in uebersicht.dataframe if "je 10.000 Einw." in df.value).set_index("Land")
    land = [sb for sb in karte.selectbox if sb.label == "Land"][0]
    land.set_value("14").run()
    assert not karte.exception, karte.exception
    far = next(m for m in karte.metric if m.label.startswith("Linksaktive ohne Büro"))
    assert far.value == table.loc["Sachsen", "ohne Büro in Reichweite"] != "< 5"


def test_leitung_legend_starts_at_five():
    # leitung sees no Kreis count under 5: no colour class "über 0 bis unter 5" that nothing can fall in.
    from components.map import legend_html

    assert "über 0" not in legend_html("count", [10, 18, 34], 15, suppressed=True)
    assert "5–9" in legend_html("count", [10, 18, 34], 15, suppressed=True)
    assert "1–9" in legend_html("count", [10, 18, 34], 15, suppressed=False)

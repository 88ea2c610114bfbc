"""Geo context, offices (placed as in reality), campaign leads with needs, the newspaper edition."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.enums import SKILLS, TOPICS
from services.seed.clock import Clock
from services.seed.pools import OPENING_HOURS, Pools, email_local

EAST = frozenset({"11", "12", "13", "14", "15", "16"})
CITY_KINDS = frozenset({"Kreisfreie Stadt", "Stadtkreis"})
LEIPZIG, GOERLITZ = "14713", "14626"


@dataclass
class Geo:
    """PLZ and Kreise as arrays, PLZ sorted by Kreis so each Kreis is one slice."""

    plz: pd.DataFrame  # plz, place, kreis_ags, lat, lon, kreis_idx (sorted by kreis_idx, plz)
    kreise: pd.DataFrame  # ags, name, kind, land_code, kv_id, population, area_km2, start, count, main_plz
    plz_codes: np.ndarray
    plz_place: np.ndarray
    plz_kreis_idx: np.ndarray


def load_geo(session: Session) -> Geo:
    """Read PLZ and Kreise (with KV) from the database, which holds the reference data."""
    conn = session.connection()
    kreise = pd.read_sql(
        text("SELECT ags, name, kind, land_code, kv_id, population, area_km2 FROM kreis ORDER BY ags"), conn
    )
    plz = pd.read_sql(text("SELECT plz, place, kreis_ags, lat, lon FROM plz ORDER BY plz"), conn)
    kreise = kreise.reset_index(drop=True)
    plz["kreis_idx"] = plz["kreis_ags"].map(pd.Series(kreise.index, index=kreise["ags"])).astype(int)
    plz = plz.sort_values(["kreis_idx", "plz"], kind="stable").reset_index(drop=True)
    counts = np.bincount(plz["kreis_idx"], minlength=len(kreise))
    kreise["count"] = counts
    kreise["start"] = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # The main town of a Kreis: the place with the most PLZ (ties: the lowest PLZ).
    per_place = plz.groupby(["kreis_idx", "place"], sort=False).agg(n=("plz", "size"), first=("plz", "min"))
    per_place = per_place.reset_index().sort_values(["kreis_idx", "n", "first"], ascending=[True, False, True])
    main = per_place.drop_duplicates("kreis_idx").set_index("kreis_idx")
    kreise["main_plz"] = main["first"].reindex(kreise.index).to_numpy()
    return Geo(
        plz=plz,
        kreise=kreise,
        plz_codes=plz["plz"].to_numpy(dtype=object),
        plz_place=plz["place"].to_numpy(dtype=object),
        plz_kreis_idx=plz["kreis_idx"].to_numpy(),
    )


def office_counts(rng: np.random.Generator, kreise: pd.DataFrame) -> np.ndarray:
    """Offices per Kreis: dense in cities and the east, sparse in the rural west."""
    out = np.zeros(len(kreise), dtype=int)
    for i, k in enumerate(kreise.itertuples()):
        east, city = k.land_code in EAST, k.kind in CITY_KINDS
        density = k.population / max(k.area_km2, 1.0)
        u = rng.random()
        if k.population > 1_000_000:  # Berlin, Hamburg, München, Köln
            n = 3 + k.population // 700_000 + (2 if east else 0)
        elif city and k.population > 100_000:
            n = 1 + (k.population > 250_000) + (k.population > 500_000) + (east and u < 0.5)
        elif city:
            n = 1 if (east or u < 0.4) else 0
        elif east:
            n = 1 + (u < min(max((k.population - 120_000) / 150_000, 0.0), 0.8))
        else:
            n = int(u < min(max(density / 700.0, 0.12), 0.75))
        out[i] = min(n, 3) if k.population <= 1_000_000 else n
    idx = kreise.index[kreise["ags"] == LEIPZIG]
    out[idx] = np.maximum(out[idx], 2)
    # One office in the city of Görlitz at the eastern edge leaves the north of the Kreis far away.
    out[kreise.index[kreise["ags"] == GOERLITZ]] = 1
    return out


def _slug(name: str) -> str:
    return email_local(name).replace(".", "").replace("/", "-").replace("(", "").replace(")", "")


def build_offices(rng: np.random.Generator, geo: Geo, pools: Pools, clock: Clock) -> list[dict]:
    """About 300 office rows with address, coordinates (PLZ centroid + jitter) and opening hours."""
    counts = office_counts(rng, geo.kreise)
    plz = geo.plz
    rows: list[dict] = []
    names: set[str] = set()
    for i, k in enumerate(geo.kreise.itertuples()):
        if counts[i] == 0:
            continue
        slice_ = plz.iloc[k.start : k.start + k.count]
        main = slice_[slice_["plz"] == k.main_plz].iloc[0]
        others = slice_[slice_["plz"] != k.main_plz]
        if k.kind in CITY_KINDS:
            others = others[others["place"] == main["place"]] if (others["place"] == main["place"]).any() else others
        else:
            others = others[others["place"] != main["place"]] if (others["place"] != main["place"]).any() else others
        extra = others.iloc[rng.permutation(len(others))[: counts[i] - 1]] if len(others) else others.iloc[:0]
        for j, p in enumerate([main] + [r for _, r in extra.iterrows()]):
            kind = "geschaeftsstelle" if j == 0 else ("buergerbuero" if j % 2 else "wahlkreisbuero")
            street = f"{pools.streets[rng.integers(len(pools.streets))]} {pools.house_numbers[rng.integers(30)]}"
            label = {
                "geschaeftsstelle": "Geschäftsstelle",
                "buergerbuero": "Bürgerbüro",
                "wahlkreisbuero": "Wahlkreisbüro",
            }[kind]
            name = f"{label} {p['place']}"
            if name in names:
                name = f"{name} ({street.rsplit(' ', 1)[0]})"
            names.add(name)
            rows.append(
                {
                    "id": len(rows) + 1,
                    "kv_id": int(k.kv_id),
                    "name": name,
                    "kind": kind,
                    "street": street,
                    "plz": p["plz"],
                    "city": p["place"],
                    "lat": round(float(p["lat"]) + rng.normal(0, 0.004), 6),
                    "lon": round(float(p["lon"]) + rng.normal(0, 0.006), 6),
                    "opening_hours": OPENING_HOURS[int(rng.integers(len(OPENING_HOURS)))],
                    "phone": str(pools.phones[rng.integers(len(pools.phones))]),
                    "email": f"{'gs' if j == 0 else 'buero'}-{_slug(p['place'])}{'' if j < 2 else j}@example.org",
                    "active": True,
                    "closed_at": None,
                    "created_at": clock.ts(np.array([clock.now_s - int(rng.integers(200, 1100)) * 86_400]))[0],
                }
            )
    return rows


def build_leads(rng: np.random.Generator, geo: Geo, pools: Pools, clock: Clock) -> tuple[list[dict], list[dict]]:
    """One campaign lead per KV at its main city's PLZ, with helpers needed per skill."""
    leads, needs = [], []
    k = geo.kreise.sort_values(["kv_id", "population"], ascending=[True, False]).drop_duplicates("kv_id")
    place_of = dict(zip(geo.plz["plz"], geo.plz["place"]))
    skills, topics = list(SKILLS), list(TOPICS)
    for row in k.itertuples():
        lead_id = len(leads) + 1
        fi, li = rng.integers(len(pools.first)), rng.integers(len(pools.last))
        leads.append(
            {
                "id": lead_id,
                "kv_id": int(row.kv_id),
                "contact_name": f"{pools.first[fi]} {pools.last[li]}",
                "contact_email": f"{pools.first_ascii[fi]}.{pools.last_ascii[li]}@example.org",
                "contact_phone": str(pools.phones[rng.integers(len(pools.phones))]),
                "plz": row.main_plz,
                "period_start": clock.iso_date(-int(rng.integers(0, 30))),
                "period_end": clock.iso_date(int(rng.integers(60, 180))),
                "topics": ",".join(sorted(rng.choice(topics, size=2, replace=False).tolist())),
                "note": f"Wir suchen Unterstützung für den Wahlkampf in {place_of[row.main_plz]}.",
                "active": True,
                "created_at": clock.ts(np.array([clock.now_s - int(rng.integers(5, 60)) * 86_400]))[0],
            }
        )
        for skill in sorted(rng.choice(skills, size=int(rng.integers(3, 6)), replace=False).tolist()):
            needs.append({"lead_id": lead_id, "skill": skill, "needed": int(rng.integers(1, 11))})
    return leads, needs


def build_edition(contacts: int, clock: Clock) -> dict:
    """The one newspaper edition, stocked with about 20 copies per contact."""
    return {
        "id": 1,
        "title": "Linksaktiv-Zeitung",
        "campaign": "Wahlkampf – Mieten runter, Löhne rauf",
        "edition_date": clock.iso_date(-10),
        "copies_in_stock": max(20 * contacts, 1000),
        "copies_per_bundle": 50,
        "created_at": clock.ts(np.array([clock.now_s - 12 * 86_400]))[0],
    }

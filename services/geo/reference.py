"""Reference data: the 16 Länder, 400 Kreise, their Kreisverbände and all PLZ (from data/geo/)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.models import Kreis, Kreisverband, Land, Plz
from db.queries import geo as q
from services.core import audit
from services.geo import files as geodata
from services.geo.places import PLACES_SEPARATOR, haversine_km

# Kreise the demo users and tests rely on keep a KV of their own.
PROTECTED_AGS = frozenset({"14713", "14626"})
MERGE_COUNT = 6
_MERGE_MAX_KM = 60.0
_MERGE_MAX_POPULATION = 250_000
_RURAL_KINDS = ("Landkreis", "Kreis")


def merge_pairs(kreise: pd.DataFrame, count: int = MERGE_COUNT) -> list[tuple[str, str]]:
    """Deterministic pairs (ags, ags) of small neighbouring rural Kreise of one Land to share a KV."""
    rural = kreise[kreise["kind"].isin(_RURAL_KINDS) & ~kreise["ags"].isin(PROTECTED_AGS)]
    rural = rural.sort_values(["population", "ags"])
    used: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for row in rural.itertuples():
        if len(pairs) >= count:
            break
        if row.ags in used:
            continue
        others = rural[(rural["land_code"] == row.land_code) & (rural["ags"] != row.ags) & ~rural["ags"].isin(used)]
        if others.empty:
            continue
        km = haversine_km(row.lat, row.lon, others["lat"].to_numpy(), others["lon"].to_numpy())
        best = int(np.argmin(km))
        partner = others.iloc[best]
        if km[best] > _MERGE_MAX_KM or row.population + partner["population"] > _MERGE_MAX_POPULATION:
            continue
        pair = tuple(sorted((row.ags, partner["ags"])))
        pairs.append(pair)
        used.update(pair)
    return pairs


def kv_plan(kreise: pd.DataFrame, merge_small_kvs: bool) -> pd.DataFrame:
    """One row per Kreis with kv_id and kv_name (ids by the first AGS of each KV)."""
    kreise = kreise.sort_values("ags").reset_index(drop=True)
    group = dict(zip(kreise["ags"], kreise["ags"]))
    if merge_small_kvs:
        for a, b in merge_pairs(kreise):
            group[b] = a
    names = dict(zip(kreise["ags"], kreise["name"]))
    dup_names = set(kreise.loc[kreise["name"].duplicated(keep=False), "name"])
    kinds = dict(zip(kreise["ags"], kreise["kind"]))

    def label(ags: str) -> str:
        # City and Landkreis of the same name (Leipzig, München, ...) need distinct KV names.
        name = names[ags]
        if name in dup_names and kinds[ags] in _RURAL_KINDS:
            return f"Landkreis {name}"
        return name

    members: dict[str, list[str]] = {}
    for ags in kreise["ags"]:
        members.setdefault(group[ags], []).append(ags)
    heads = sorted(members)
    kv_id = {head: i + 1 for i, head in enumerate(heads)}
    kv_name = {head: "KV " + "/".join(label(a) for a in members[head]) for head in heads}
    out = kreise[["ags", "land_code"]].copy()
    out["kv_id"] = [kv_id[group[a]] for a in out["ags"]]
    out["kv_name"] = [kv_name[group[a]] for a in out["ags"]]
    return out


def load_reference_data(session: Session, merge_small_kvs: bool = True) -> bool:
    """Insert Länder, Kreise, KVs and PLZ unless already loaded; returns True if it loaded them."""
    if session.execute(select(func.count()).select_from(Land)).scalar_one() > 0:
        return False
    laender, kreise, plz = geodata.laender_table(), geodata.kreise_table(), geodata.plz_table()
    plan = kv_plan(kreise, merge_small_kvs)
    session.execute(insert(Land), [{"code": r.code, "name": r.name, "abbr": r.abbr} for r in laender.itertuples()])
    kvs = plan.drop_duplicates("kv_id").sort_values("kv_id")
    session.execute(
        insert(Kreisverband),
        [{"id": int(r.kv_id), "name": r.kv_name, "land_code": r.land_code} for r in kvs.itertuples()],
    )
    kv_of = dict(zip(plan["ags"], plan["kv_id"].astype(int)))
    session.execute(
        insert(Kreis),
        [
            {
                "ags": r.ags,
                "name": r.name,
                "kind": r.kind,
                "land_code": r.land_code,
                "kv_id": kv_of[r.ags],
                "population": int(r.population),
                "area_km2": float(r.area_km2),
                "lat": float(r.lat),
                "lon": float(r.lon),
            }
            for r in kreise.sort_values("ags").itertuples()
        ],
    )
    session.execute(
        insert(Plz),
        [
            {
                "plz": r.plz,
                "place": r.places.split(PLACES_SEPARATOR)[0],
                "places": r.places,
                "kreis_ags": r.kreis_ags,
                "lat": float(r.lat),
                "lon": float(r.lon),
            }
            for r in plz.sort_values("plz").itertuples()
        ],
    )
    if session.get_bind().dialect.name == "postgresql":
        # Explicit ids bypass the serial sequence; move it past them so later inserts work.
        session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence("kreisverband", "id"), func.coalesce(func.max(Kreisverband.id), 1)
                )
            )
        )
    return True


def sync_plz_kreise(session: Session) -> dict[str, tuple[str, str, int]]:
    """Bring an existing database to the reviewed PLZ -> Kreis corrections (data/geo/plz_overrides.csv).

    A database loaded before a correction keeps the PLZ in the old Kreis, and the people living there
    with it: their Kreis, KV and Land are derived from the PLZ, so they follow. One audit event per
    corrected PLZ (codes and a count only). Returns plz -> (old AGS, new AGS, contacts moved); empty
    when everything is in place. The caller commits.
    """
    table = geodata.plz_overrides()
    wanted = dict(zip(table["plz"], table["kreis_ags"]))
    changed: dict[str, tuple[str, str, int]] = {}
    for plz, old in sorted(q.plz_kreise(session, wanted).items()):
        kreis = session.get(Kreis, wanted[plz])
        if old == wanted[plz] or kreis is None:
            continue
        moved = q.move_plz(session, plz, kreis)
        audit.record(session, None, "plz_kreis_corrected", "plz", plz, from_ags=old, to_ags=kreis.ags, contacts=moved)
        changed[plz] = (old, kreis.ags, moved)
    return changed

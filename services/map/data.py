"""The Karte's data: per-PLZ and per-Kreis aggregates, white spots, offices; leitung suppressed.

Counting happens in the database (GROUP BY PLZ); the reach analysis then runs on ~8,300 PLZ
in memory. Aggregates are cached per area, filter and contact-table fingerprint, so changing
only the reach or reopening the page does not count a million rows again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.queries import overview as ov_q
from db.queries.common import generation
from db.queries.map import counts as q
from db.queries.map.counts import ContactFilter
from domain.enums import SOURCES, STATUSES, TOPICS
from domain.errors import PermissionDenied, ValidationError
from services.core import audit
from services.core.cache import LruCache
from services.core.export import safe_csv
from services.core.runtime import read_only_engine
from services.core.scope import Scope, require_persons
from services.core.settings import get_settings
from services.geo.places import normalize_plz
from services.map import figures as mf
from services.map.whitespots import analyse, far_only, kreis_summary
from services.privacy.suppression import MIN_COUNT

_cache = LruCache(32)
_views = LruCache(8)  # whole MapViews: a national one holds ~4,000 spots (a few MB each)
_lock = threading.Lock()  # guards _pending
log = logging.getLogger(__name__)


@dataclass
class MapView:
    """Everything the map and the Weiße-Flecken tables show; None counts are hidden (< 5)."""

    reach_km: float
    suppressed: bool
    bounds: tuple[tuple[float, float], tuple[float, float]]
    kreis_ags: list[str]
    kreise: list[dict]
    offices: list[dict]
    spots: list[dict]
    heat: list[list[float]]
    total: int | None
    far_total: int | None
    topics_pending: bool = False
    plz_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    kreis_table: pd.DataFrame = field(default_factory=pd.DataFrame)


def clear_cache() -> None:
    """Forget all cached aggregates and views (tests, after bulk loads)."""
    _cache.clear()
    _views.clear()


def effective_filter(session: Session, scope: Scope, f: ContactFilter) -> ContactFilter:
    """The filter narrowed to the user's scope; a Land or KV outside it is refused; leitung: Land only."""
    if not scope.sees_persons:
        # leitung: one fixed view per Land; other filters would let views be subtracted.
        return ContactFilter(land_code=f.land_code)
    if scope.role == "kreis":
        if f.kv_id not in (None, scope.kv_id):
            raise PermissionDenied("Du kannst nur die Karte deines Kreisverbands öffnen.")
        return replace(f, kv_id=scope.kv_id, land_code=None)
    if scope.role == "land":
        if f.land_code not in (None, scope.land_code):
            raise PermissionDenied("Du kannst nur die Karte deines Landesverbands öffnen.")
        f = replace(f, land_code=scope.land_code)
    if f.kv_id is not None:
        kvs = q.kreisverbaende(session)
        row = kvs[kvs["id"] == f.kv_id]
        if row.empty:
            raise ValidationError("Diesen Kreisverband gibt es nicht.")
        if f.land_code and row.iloc[0]["land_code"] != f.land_code:
            raise ValidationError("Der Kreisverband liegt nicht im gewählten Land.")
    return f


def kv_choices(session: Session, scope: Scope) -> pd.DataFrame:
    """All Kreisverbände (id, name, land_code) for the Karte's filter: the same for every scope (reference data)."""
    return q.kreisverbaende(session)


@dataclass(frozen=True)
class RegionFilters:
    """The region filters the Karte offers a scope: a Land select, a KV select (within land_code when set)."""

    land: bool
    kv: bool
    land_code: str | None = None


def region_filters(session: Session, scope: Scope) -> RegionFilters:
    """Which region filters fit the scope (effective_filter enforces them): national staff choose Land and KV,
    a Land's staff a KV of their Land, a KV none; leitung only the Land of its fixed view."""
    if not scope.sees_persons:
        return RegionFilters(land=True, kv=False)
    if scope.level == "national":
        return RegionFilters(land=True, kv=True)
    if scope.level == "land":
        return RegionFilters(land=False, kv=True, land_code=scope.land_code)
    return RegionFilters(land=False, kv=False)


def _area_key(scope: Scope) -> tuple:
    return (
        scope.level,
        scope.kv_id if scope.role == "kreis" else None,
        scope.land_code if scope.role == "land" else None,
    )


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _base_key(session: Session, scope: Scope, f: ContactFilter) -> tuple:
    return (_database(session), _area_key(scope), f, q.contact_version(session))


def plz_places(session: Session) -> pd.DataFrame:
    """All PLZ with place, Kreis and centroid (reference data, cached until the structure changes). Read-only."""
    key = ("places", _database(session), generation.current(session, "structure"))
    return _cache.get_or_compute(key, lambda: q.plz_places(session))


def plz_counts(session: Session, scope: Scope, f: ContactFilter, base_key: tuple | None = None) -> pd.DataFrame:
    """Per PLZ: count and one column per status (cached while contacts and filter are unchanged)."""
    key = ("plz", *(base_key or _base_key(session, scope, f)))

    def compute():
        raw = q.counts_by_plz_status(session, scope, f)
        wide = raw.pivot_table(index="plz", columns="status", values="n", aggfunc="sum", fill_value=0)
        wide = wide.reindex(columns=list(STATUSES), fill_value=0).astype("int64")
        wide["count"] = wide.sum(axis=1)
        return wide.reset_index()

    return _cache.get_or_compute(key, compute)


_pending: set = set()


def _topics(
    session: Session, scope: Scope, f: ContactFilter, codes: list[str], base_key: tuple, background: bool = False
) -> dict[str, list] | None:
    """Top topics per PLZ; with background=True a cold cache is filled in a thread and None returned."""
    key = ("topics", *base_key, hash(tuple(sorted(codes))))

    def compute(sess: Session = session):
        raw = q.topic_counts_by_plz(sess, scope, f, codes).sort_values(["plz", "n"], ascending=[True, False])
        out: dict[str, list] = {}
        # A plain loop, not groupby: 4,000 small groups cost pandas ~0.3 s of GIL beside the page's run.
        for plz, topic, n in zip(raw["plz"].tolist(), raw["topic"].tolist(), raw["n"].tolist()):
            out.setdefault(plz, []).append((TOPICS.get(topic, topic), int(n)))
        return out

    bind = session.get_bind()
    hit = _cache.get(key)
    if hit is not None or not background or not isinstance(bind, Engine):
        return hit if hit is not None else _cache.get_or_compute(key, compute)
    # Joining ~2M topic rows takes seconds at a million contacts: the map must not wait for it.
    with _lock:
        if key in _pending:
            return None
        _pending.add(key)

    def work():
        try:
            with Session(read_only_engine(bind)) as own:
                _cache.get_or_compute(key, lambda: compute(own))
        except OperationalError as exc:  # e.g. SQLite busy: the next page load tries again
            log.warning("Themen je PLZ nicht berechnet: %s", exc.__class__.__name__)
        finally:
            with _lock:
                _pending.discard(key)

    threading.Thread(target=work, name="karte-topics", daemon=True).start()
    return None


def _bounds(places: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    if places.empty:
        return (47.27, 5.87), (55.06, 15.04)  # Germany
    pad = 0.05
    return (
        (float(places["lat"].min()) - pad, float(places["lon"].min()) - pad),
        (float(places["lat"].max()) + pad, float(places["lon"].max()) + pad),
    )


def _offices_near(offices: pd.DataFrame, bounds, reach_km: float) -> pd.DataFrame:
    (s, w), (n, e) = bounds
    pad = reach_km / 111.0
    inside = offices["lat"].between(s - pad, n + pad) & offices["lon"].between(w - 2 * pad, e + 2 * pad)
    return offices[inside]


def _offices_key(offices: pd.DataFrame) -> int:
    # Every field (name, hours): the map's popups and tables show them, not only where offices are.
    return hash(tuple(offices.itertuples(index=False, name=None)))


def _far_spots(analysed: pd.DataFrame, suppressed: bool) -> pd.DataFrame:
    far = far_only(analysed)
    return far[far["count"] >= MIN_COUNT] if suppressed else far  # a hidden PLZ is not shown at all


def national_figures(session: Session, scope: Scope, reach_km: float | None = None) -> mf.Protected:
    """Germany's figures per Kreis, Land and nationally (also without an office in reach, by status and source).

    For leitung (always the configured reach) this is the one protection run that the Karte (every
    view) and the Übersicht (key figures and Länder) all read, cached while contacts and offices are
    unchanged; staff with a national scope get the true figures. Refused for a Land or KV scope.
    """
    if scope.level != "national":
        raise PermissionDenied("Die bundesweiten Zahlen gibt es nur für bundesweite Rollen.")
    suppressed = not scope.sees_persons
    reach = get_settings().reach
    reach_km = reach.for_scope(scope.sees_persons, reach.default_km if reach_km is None else reach_km)
    f = ContactFilter()
    base_key = _base_key(session, scope, f)
    offices = q.active_offices(session)

    def compute() -> mf.Protected:
        kreise = q.kreise(session)
        per_plz = plz_places(session).merge(plz_counts(session, scope, f, base_key), on="plz", how="left")
        per_plz[[*STATUSES, "count"]] = per_plz[[*STATUSES, "count"]].fillna(0).astype("int64")
        analysed = analyse(per_plz, offices, reach_km)
        spots = [mf.spot(r, [], suppressed) for r in _far_spots(analysed, suppressed).to_dict("records")]
        rows = [mf.kreis(r) for r in kreis_summary(analysed, kreise, offices, reach_km).to_dict("records")]
        by_status = {st: int(per_plz[st].sum()) for st in STATUSES}
        by_source = {k: int(v) for k, v in ov_q.counts_by_source(session, scope).items() if k in SOURCES}
        if suppressed:
            return mf.protect_national(rows, spots, by_status, by_source)
        laender: dict[str, list[dict]] = {}
        for k in rows:
            laender.setdefault(k["land_code"], []).append(k)
        return mf.Protected(
            kreis={k["ags"]: k["count"] for k in rows},
            seen=mf.visible_circles(spots),
            land={c: sum(k["count"] for k in ks) for c, ks in laender.items()},
            total=sum(k["count"] for k in rows),
            land_far={c: sum(k["far_count"] for k in ks) for c, ks in laender.items()},
            far=sum(k["far_count"] for k in rows),
            by_status=by_status,
            by_source=by_source,
        )

    # suppressed in the key: team and leitung share the area key, never these figures.
    key = ("national", suppressed, *base_key, float(reach_km), _offices_key(offices))
    return _cache.get_or_compute(key, compute)


def build_view(session: Session, scope: Scope, f: ContactFilter, reach_km: float, background: bool = False) -> MapView:
    """All data of the Karte for the scope and filter; for leitung every count passes suppression.

    leitung gets one fixed view (configured reach, no filter but the Land): comparing views with
    another reach or filter would reveal small groups. Its figures come from the one national
    protection run (national_figures) that the Übersicht reads as well. background=True: topic
    splits missing from the cache are computed in a thread (topics_pending).
    """
    suppressed = not scope.sees_persons
    reach = get_settings().reach
    reach_km = reach.for_scope(scope.sees_persons, reach_km)
    reach.check(reach_km)
    f = effective_filter(session, scope, f)
    # leitung: counted and suppressed nationally, then cut to the Land, so that a Land view and
    # the national view hide the same Kreise and cannot be played against each other.
    count_f = replace(f, land_code=None) if suppressed else f
    offices = q.active_offices(session)
    base_key = _base_key(session, scope, count_f)
    # The whole view, while contacts, structure and offices are unchanged: a rerun of the Karte
    # (another colouring, the heat toggle, a table click) builds nothing again. Read-only for callers.
    key = ("view", *base_key, f, float(reach_km), suppressed, _offices_key(offices))
    hit = _views.get(key)
    if hit is not None:
        return hit
    view = _view(session, scope, f, count_f, float(reach_km), offices, base_key, background)
    if not view.topics_pending:  # a view still waiting for its topics is built again next time
        _views.get_or_compute(key, lambda: view)
    return view


def _view(
    session: Session,
    scope: Scope,
    f: ContactFilter,
    count_f: ContactFilter,
    reach_km: float,
    offices: pd.DataFrame,
    base_key: tuple,
    background: bool,
) -> MapView:
    suppressed = not scope.sees_persons
    kreise = q.kreise(session)
    if f.kv_id is not None:
        kreise = kreise[kreise["kv_id"] == f.kv_id]
    elif f.land_code and not suppressed:
        kreise = kreise[kreise["land_code"] == f.land_code]
    places = plz_places(session)
    places = places[places["kreis_ags"].isin(kreise["ags"])]
    counts = plz_counts(session, scope, count_f, base_key)
    per_plz = places.merge(counts, on="plz", how="left")
    per_plz[[*STATUSES, "count"]] = per_plz[[*STATUSES, "count"]].fillna(0).astype("int64")
    analysed = analyse(per_plz, offices, reach_km)
    far = _far_spots(analysed, suppressed)
    topics = _topics(session, scope, count_f, far["plz"].tolist(), base_key, background)
    by_kreis = kreis_summary(analysed, kreise, offices, reach_km)
    pending, topics = topics is None, topics or {}
    spots = [mf.spot(r, topics.get(r["plz"], []), suppressed) for r in far.to_dict("records")]
    kreis_rows = [mf.kreis(r) for r in by_kreis.to_dict("records")]
    total, far_total = int(per_plz["count"].sum()), int(far["count"].sum())
    heat_rows = analysed
    if suppressed:
        prot = national_figures(session, scope, reach_km)
        kreis_rows, total, far_total = mf.protect_kreise(kreis_rows, prot, f.land_code)
        spots = [sp for sp in spots if sp["plz"] not in prot.hidden_circles]
        keep = set(kreise.loc[kreise["land_code"] == f.land_code, "ags"]) if f.land_code else None
        if keep is not None:
            kreise = kreise[kreise["ags"].isin(keep)]
            places = places[places["kreis_ags"].isin(keep)]
            spots = [sp for sp in spots if sp["kreis_ags"] in keep]
            heat_rows = analysed[analysed["kreis_ags"].isin(keep)]
    bounds = _bounds(places)
    near = _offices_near(offices, bounds, reach_km).drop(columns=["kv_id", "land_code"]).to_dict("records")
    return MapView(
        reach_km=reach_km,
        suppressed=suppressed,
        bounds=bounds,
        kreis_ags=kreise["ags"].tolist(),
        kreise=kreis_rows,
        offices=near,
        spots=spots,
        heat=mf.heat(heat_rows, suppressed),
        total=total,
        far_total=far_total,
        topics_pending=pending,
        plz_table=mf.plz_table(spots),
        kreis_table=mf.kreis_table(kreis_rows, suppressed),
    )


def plz_persons(session: Session, scope: Scope, f: ContactFilter, plz: str) -> pd.DataFrame:
    """The Linksaktive of one PLZ the user may see (filtered); audited. Refused for leitung."""
    require_persons(scope)
    code = normalize_plz(plz)
    f = effective_filter(session, scope, f)
    df = q.contacts_in_plz(session, scope, f, code)
    audit.record(session, scope, "map_plz_persons", "plz", code, count=len(df))
    session.commit()
    return pd.DataFrame(
        {
            "Nr.": df["id"],
            "Vorname": df["first_name"],
            "Nachname": df["last_name"],
            "Status": df["status"].map(STATUSES),
            "Quelle": df["source"].map(SOURCES).fillna(df["source"]),
            "Angelegt": df["created_at"],
        }
    )


EXPORT_KINDS = ("plz", "kreise")


def kreis_ranking(view: MapView, by: str = "count", limit: int = 15) -> pd.DataFrame:
    """The ranked bar chart's data: Kreise with most Linksaktive without an office in reach (or highest share).

    For leitung the Kreis figures are already protected (mf.protect_kreise): hidden ones are left out.
    """
    if by not in mf.RANK_COLS:
        raise ValidationError("Unbekannte Auswahl für die Rangliste.")
    return mf.kreis_ranking(view.kreise, by, limit)


def shown_table(view: MapView, kind: str) -> pd.DataFrame:
    """A Weiße-Flecken table (plz or kreise) as the page shows it and the CSV holds it: hidden counts read '< 5'."""
    table = view.plz_table if kind == "plz" else view.kreis_table
    return table.astype("object").where(table.notna(), "< 5") if view.suppressed else table


def whitespot_csv(session: Session, scope: Scope, f: ContactFilter, reach_km: float, kind: str) -> tuple[bytes, str]:
    """A Weiße-Flecken table as safe CSV and its file name, built from the data when asked; audited (commits).

    The page calls this on the user's click and hands the file out once: nothing waits on Streamlit's
    media endpoint before an audited export, and the table is never taken from what a page sends.
    """
    if kind not in EXPORT_KINDS:
        raise ValidationError("Unbekannte Tabelle für den Export.")
    table = shown_table(build_view(session, scope, f, reach_km, background=True), kind)
    audit.record(session, scope, "export_whitespots", "map", kind, rows=len(table))
    session.commit()
    return safe_csv(table), f"weisse_flecken_{kind}.csv"


def record_export(session: Session, scope: Scope, kind: str, rows: int) -> None:
    """Audit the download of a Weiße-Flecken table."""
    if kind not in EXPORT_KINDS:
        raise ValidationError("Unbekannte Tabelle für den Export.")
    audit.record(session, scope, "export_whitespots", "map", kind, rows=int(rows))
    session.commit()


def export_csv(session: Session, scope: Scope, table: pd.DataFrame, kind: str) -> bytes:
    """A Weiße-Flecken table as safe CSV; the export is audited."""
    record_export(session, scope, kind, len(table))
    return safe_csv(table)

"""The Übersicht: key figures of the user's area; for leitung through suppression."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import overview as q
from db.queries.map.counts import contact_version
from db.types import utcnow
from domain.enums import SOURCES, STATUSES, TOPICS
from services.core.cache import LruCache
from services.core.scope import Scope
from services.core.settings import get_settings
from services.privacy.suppression import MIN_COUNT, hide_small_cells, suppress_breakdown, suppress_value

WEEKS = 26


@dataclass
class Overview:
    """Figures for one area; a None figure is hidden to protect a small group."""

    total: int | None
    by_status: dict[str, int | None]
    new_7: int | None
    new_30: int | None
    by_source: dict[str, int | None]
    by_topic: dict[str, int | None]
    weekly: pd.DataFrame
    without_office: int | None
    reach_km: float
    suppressed: bool = False
    notes: list[str] = field(default_factory=list)


def _week_frame(raw: pd.DataFrame, start: datetime) -> pd.DataFrame:
    weeks = pd.DataFrame({"week": range(WEEKS + 1)})
    df = weeks.merge(raw, on="week", how="left").fillna({"count": 0})
    df["Woche ab"] = [(start + timedelta(weeks=int(w))).date() for w in df["week"]]
    df["Neue Linksaktive"] = df["count"].astype(int)
    return df[["Woche ab", "Neue Linksaktive"]]


_cache = LruCache(64)


def clear_cache() -> None:
    """Forget cached figures (benchmarks, tests)."""
    _cache.clear()


@dataclass(frozen=True)
class _ContactFigures:
    by_status: dict
    by_source: dict
    by_topic: dict
    weekly: pd.DataFrame
    new_7: int
    new_30: int
    per_plz: pd.DataFrame


def build_overview(session: Session, scope: Scope, reach_km: float, now: datetime | None = None) -> Overview:
    """The Übersicht for the scope's area (all Germany for leitung, suppressed).

    A scope that does not see persons always gets the configured reach: comparing two reaches
    would reveal the contacts of the PLZ in between.
    """
    now = now or utcnow()
    reach_km = get_settings().reach.for_scope(scope.sees_persons, reach_km)
    # Contact figures are cached while the contacts are unchanged, for at most 5 minutes (the
    # 7/30-day figures move with time); distances are read fresh because offices may change.
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        scope.level,
        scope.kv_id,
        scope.land_code,
        contact_version(session),
        now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0),
    )
    fig = _cache.get_or_compute(key, lambda: _contact_figures(session, scope, now))
    per_plz = fig.per_plz.merge(q.plz_distances(session), on="plz", how="left")
    far = per_plz["km"].isna() | (per_plz["km"] > reach_km)
    if not scope.sees_persons:
        # As on the Karte: only PLZ with at least 5 count, so both pages show the same figure. The
        # true national count would let the Karte's hidden Kreis cells be recomputed (protect_kreise).
        far &= per_plz["count"] >= MIN_COUNT
    ov = Overview(
        total=sum(fig.by_status.values()),
        by_status=fig.by_status,
        new_7=fig.new_7,
        new_30=fig.new_30,
        by_source=fig.by_source,
        by_topic=fig.by_topic,
        weekly=fig.weekly,
        without_office=int(per_plz.loc[far, "count"].sum()),
        reach_km=reach_km,
    )
    return suppress_overview(ov) if not scope.sees_persons else ov


def _contact_figures(session: Session, scope: Scope, now: datetime) -> _ContactFigures:
    status = q.counts_by_status(session, scope)
    start = (now - timedelta(weeks=WEEKS)).replace(hour=0, minute=0, second=0, microsecond=0)
    return _ContactFigures(
        by_status={k: status.get(k, 0) for k in STATUSES},
        by_source={k: v for k, v in q.counts_by_source(session, scope).items() if k in SOURCES},
        by_topic={k: v for k, v in q.counts_by_topic(session, scope).items() if k in TOPICS},
        weekly=_week_frame(q.weekly_new(session, scope, start), start),
        new_7=q.count_created_since(session, scope, now - timedelta(days=7)),
        new_30=q.count_created_since(session, scope, now - timedelta(days=30)),
        per_plz=q.counts_by_plz(session, scope),
    )


def suppress_overview(ov: Overview) -> Overview:
    """Apply small-group protection to every figure of an Overview (DESIGN §3.2)."""
    by_status, total = suppress_breakdown(ov.by_status, ov.total)
    # Sources sum to the total: treat them as parts beside it. Topics overlap, so each alone.
    by_source, _ = suppress_breakdown(ov.by_source, ov.total)
    weekly = hide_small_cells(ov.weekly, ("Neue Linksaktive",))
    return Overview(
        total=total,
        by_status=by_status,
        new_7=suppress_value(ov.new_7),
        new_30=suppress_value(ov.new_30),
        by_source=by_source,
        by_topic={k: suppress_value(v) for k, v in ov.by_topic.items()},
        weekly=weekly,
        without_office=suppress_value(ov.without_office),
        reach_km=ov.reach_km,
        suppressed=True,
        notes=["Zahlen unter 5 sind ausgeblendet („< 5“)."],
    )

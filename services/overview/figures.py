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
from services.map.data import national_figures
from services.map.figures import Protected
from services.privacy.suppression import hide_small_cells, suppress_value

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
        scope.sees_persons,  # leitung's figures leave out the per-PLZ counts: never hand them to the team
        scope.kv_id,
        scope.land_code,
        contact_version(session),
        now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0),
    )
    fig = _cache.get_or_compute(key, lambda: _contact_figures(session, scope, now))
    if not scope.sees_persons:
        # The Karte's one protection run: the true national figures where they are safe, and the
        # same ones hidden on both pages, so that nothing can be subtracted across them.
        return suppress_overview(fig, national_figures(session, scope, reach_km), reach_km)
    per_plz = fig.per_plz.merge(q.plz_distances(session), on="plz", how="left")
    far = per_plz["km"].isna() | (per_plz["km"] > reach_km)
    return Overview(
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
        # leitung's number without an office comes from the Karte's protection run instead.
        per_plz=q.counts_by_plz(session, scope) if scope.sees_persons else pd.DataFrame(columns=["plz", "count"]),
    )


def suppress_overview(fig: _ContactFigures, prot: Protected, reach_km: float) -> Overview:
    """leitung's Übersicht (DESIGN §3.2): total, statuses, sources and the true number without an office in
    reach from the national protection run (services.map.data.national_figures); the rest hidden below 5."""
    return Overview(
        total=prot.total,
        by_status={k: prot.by_status.get(k) for k in STATUSES},
        new_7=suppress_value(fig.new_7),
        new_30=suppress_value(fig.new_30),
        by_source=dict(prot.by_source),
        by_topic={k: suppress_value(v) for k, v in fig.by_topic.items()},
        weekly=hide_small_cells(fig.weekly, ("Neue Linksaktive",)),
        without_office=prot.far,
        reach_km=reach_km,
        suppressed=True,
        notes=["Zahlen unter 5 sind ausgeblendet („< 5“)."],
    )

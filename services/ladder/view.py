"""The Entwicklung page's figures: who entered, became active, became a member, by source, topic and month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import ladder as q
from db.queries.map.counts import contact_version
from db.types import utcnow
from domain.enums import SOURCES, TOPICS
from domain.errors import ValidationError
from services.contacts.rules import today_berlin
from services.core.cache import LruCache
from services.core.scope import Scope, require_action
from services.geo.files import laender_table
from services.ladder.protect import Shown, protect_answers, protect_ladder, shown_plain
from services.ladder.stats import months_between, steps_by, steps_by_topic, with_month
from services.privacy.suppression import suppress_table, suppress_value

RESPONSES = {"accepted": "zugesagt", "declined": "abgesagt", "attended": "teilgenommen"}
OTHER_RESPONSE = "beantwortet"
KINDS = {"call": "Aufruf", "survey": "Befragung"}
COLUMNS = {
    "entered": "Eingetreten",
    "active": "aktiv",
    "member": "Mitglied",
    "rate_active": "Anteil aktiv",
    "rate_member": "Anteil Mitglied",
    "days_to_active": "Tage bis aktiv",
    "days_to_member": "Tage aktiv bis Mitglied",
}
LEITUNG_MONTHS = 12
_cache = LruCache(32)


def clear_cache() -> None:
    """Forget cached ladders (benchmarks, tests)."""
    _cache.clear()


def _cached(session: Session, scope: Scope, what: str, region, compute):
    # Valid while the contacts are unchanged, for at most 5 minutes (answers to calls come in meanwhile).
    now = utcnow()
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        what,
        scope.level,
        scope.sees_persons,
        scope.kv_id,
        scope.land_code,
        region,
        contact_version(session),
        now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0),
    )
    return _cache.get_or_compute(key, compute)


MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def month_label(month: str) -> str:
    """'2026-03' as 'Mär 2026'."""
    year, m = month.split("-")
    return f"{MONTHS[int(m) - 1]} {year}"


@dataclass
class LadderView:
    """The ladder of one region and period; None marks a hidden figure (leitung) or one that does not exist."""

    region: str
    start: date
    end: date
    entered: int | None
    became_active: int | None
    became_member: int | None
    cohort: Shown
    by_source: pd.DataFrame
    by_month: pd.DataFrame
    answers: pd.DataFrame
    answered: dict[str, int | None]
    suppressed: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RegionChoices:
    """The regions a scope may choose: Länder (code -> name) and KVs (id, name, land_code); empty when fixed."""

    laender: dict[str, str]
    kvs: pd.DataFrame
    own_land: str | None = None


def leitung_period(today: date | None = None) -> tuple[date, date]:
    """leitung's fixed period: the last twelve complete months (it moves once a month, not with every day)."""
    first_of_month = (today or today_berlin()).replace(day=1)
    end = first_of_month - timedelta(days=1)
    start = first_of_month
    for _ in range(LEITUNG_MONTHS):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def region_choices(session: Session, scope: Scope) -> RegionChoices:
    """Which Länder and Kreisverbände the scope may choose (none for leitung, whose view is Germany)."""
    require_action(scope, "ladder.read")
    if not scope.sees_persons:
        return RegionChoices({}, pd.DataFrame(columns=["id", "name", "land_code"]))
    names = dict(zip(laender_table()["code"], laender_table()["name"]))
    kvs = q.kreisverbaende(session, scope)
    if scope.level == "national":
        return RegionChoices(names, kvs)
    if scope.level == "land":
        return RegionChoices({}, kvs, own_land=scope.land_code)
    return RegionChoices({}, kvs.iloc[0:0])


def _region(session: Session, scope: Scope, land_code, kv_id, start, end) -> tuple[q.Region, str]:
    if not scope.sees_persons:
        return q.Region(*leitung_period()), "Deutschland"
    if start is None or end is None or start > end:
        raise ValidationError("Bitte wähle einen Zeitraum: das Ende darf nicht vor dem Anfang liegen.")
    names = dict(zip(laender_table()["code"], laender_table()["name"]))
    kvs = q.kreisverbaende(session, scope)
    outside = scope.level == "kv" or (scope.level == "land" and land_code != scope.land_code)
    if land_code is not None and (land_code not in names or outside):
        raise ValidationError("Dieses Land liegt nicht in deinem Gebiet.")
    if kv_id is not None:
        row = kvs[kvs["id"] == int(kv_id)]
        if row.empty or (land_code and row.iloc[0]["land_code"] != land_code):
            raise ValidationError("Dieser Kreisverband liegt nicht in deinem Gebiet oder nicht im gewählten Land.")
        return q.Region(start, end, land_code, int(kv_id)), str(row.iloc[0]["name"])
    if land_code:
        return q.Region(start, end, land_code), names[land_code]
    if scope.level == "kv":
        own = kvs[kvs["id"] == scope.kv_id]
        return q.Region(start, end), str(own.iloc[0]["name"]) if not own.empty else "dein Kreisverband"
    if scope.level == "land":
        return q.Region(start, end), names.get(scope.land_code, "dein Land")
    return q.Region(start, end), "Deutschland"


def _frame(groups: dict[str, Shown], label: str, names) -> pd.DataFrame:
    rows = [{label: names(k), **{col: getattr(s, attr) for attr, col in COLUMNS.items()}} for k, s in groups.items()]
    # object columns: a hidden or missing figure stays None (not NaN), counts stay whole numbers
    return pd.DataFrame(rows, columns=[label, *COLUMNS.values()], dtype=object)


def _answers(raw: pd.DataFrame, suppressed: bool) -> pd.DataFrame:
    labels = [*RESPONSES.values(), OTHER_RESPONSE]
    columns = ["Art", "Titel", *labels, "beantwortet gesamt"]
    if raw.empty:
        return pd.DataFrame(columns=columns)
    raw = raw.assign(answer=[RESPONSES.get(r, OTHER_RESPONSE) for r in raw["response"]])
    cells = raw.groupby(["call_id", "answer"])["n"].sum().to_dict()
    calls = raw.drop_duplicates("call_id").set_index("call_id")
    full = {(c, a): int(cells.get((c, a), 0)) for c in calls.index for a in labels}
    view = suppress_table(full, col_totals=False) if suppressed else None
    rows = []
    for c, call in calls.iterrows():
        counts = {a: (view.cells[c, a] if view else full[c, a]) for a in labels}
        total = view.rows[c] if view else sum(full[c, a] for a in labels)
        rows.append({"Art": KINDS.get(call["kind"], "Aufruf"), "Titel": call["title"], **counts, columns[-1]: total})
    out = pd.DataFrame(rows, columns=columns, dtype=object)
    return out.sort_values(columns[-1], ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def build_ladder(
    session: Session,
    scope: Scope,
    start: date | None = None,
    end: date | None = None,
    land_code: str | None = None,
    kv_id: int | None = None,
) -> LadderView:
    """The ladder of a region inside the scope and a period of entry; leitung: Germany, fixed period, protected."""
    require_action(scope, "ladder.read")
    region, label = _region(session, scope, land_code, kv_id, start, end)
    return _cached(session, scope, "ladder", region, lambda: _ladder(session, scope, region, label))


def _ladder(session: Session, scope: Scope, region: q.Region, label: str) -> LadderView:
    counts = with_month(q.cohort_counts(session, scope, region))
    to_active = q.step_days(session, scope, region, "active")
    to_member = q.step_days(session, scope, region, "member")
    steps = q.steps_in_period(session, scope, region)
    rows = q.answered_before_active(session, scope, region)
    answers = rows.merge(q.calls(session, rows["call_id"]), on="call_id", how="left")
    persons = {
        "call": int(answers.loc[answers["kind"] == "call", "contact_id"].nunique()),
        "survey": int(answers.loc[answers["kind"] == "survey", "contact_id"].nunique()),
        "any": int(answers["contact_id"].nunique()),
    }
    per_call = answers.groupby(["call_id", "title", "kind", "response"]).size().reset_index(name="n")
    total = steps_by(counts, to_active, to_member, None, [None])[None]
    sources = steps_by(counts, to_active, to_member, "source", SOURCES)
    months = steps_by(counts, to_active, to_member, "month", months_between(region.start, region.end))
    suppressed = not scope.sees_persons
    if suppressed:
        cohort, shown = protect_ladder(total, {"source": sources, "month": months}, {})
        became_active, answered = protect_answers(steps["active"], persons)
        became_member = suppress_value(steps["member"])
        notes = [
            "Zahlen unter 5 sind ausgeblendet („< 5“), dazu so viele andere, dass sich keine zurückrechnen lässt.",
            "Für die Leitung gibt es eine feste Auswertung: ganz Deutschland, die letzten zwölf vollen Monate.",
        ]
    else:
        cohort = shown_plain(total)
        shown = {
            name: {k: shown_plain(s) for k, s in groups.items()}
            for name, groups in (("source", sources), ("month", months))
        }
        became_active, became_member, answered, notes = steps["active"], steps["member"], persons, []
    return LadderView(
        region=label,
        start=region.start,
        end=region.end,
        entered=cohort.entered,
        became_active=became_active,
        became_member=became_member,
        cohort=cohort,
        by_source=_frame(shown["source"], "Quelle", SOURCES.get),
        by_month=_frame(shown["month"], "Monat", lambda m: m),
        answers=_answers(per_call, suppressed),
        answered=answered,
        suppressed=suppressed,
        notes=notes,
    )


def build_topics(
    session: Session,
    scope: Scope,
    start: date | None = None,
    end: date | None = None,
    land_code: str | None = None,
    kv_id: int | None = None,
) -> pd.DataFrame:
    """The ladder per topic of those who entered in the period (a person counts once per topic); leitung protected."""
    require_action(scope, "ladder.read")
    region, _ = _region(session, scope, land_code, kv_id, start, end)
    return _cached(session, scope, "topics", region, lambda: _topics(session, scope, region))


def _topics(session: Session, scope: Scope, region: q.Region) -> pd.DataFrame:
    topics = steps_by_topic(q.topic_days(session, scope, region), TOPICS)
    if scope.sees_persons:
        shown = {k: shown_plain(s) for k, s in topics.items()}
    else:
        # Topics overlap (several per person): each topic's own lines, no sum over topics.
        shown = protect_ladder(None, {}, {"topic": topics})[1]["topic"]
    return _frame(shown, "Thema", TOPICS.get)

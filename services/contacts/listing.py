"""The list of Linksaktive: filtered pages with keyset paging, exports and topic changes on the whole list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy.orm import Session

from db.queries.contacts import list_lookups as lookups
from db.queries.contacts import listing as q
from db.queries.contacts.listing import SORTS, TOPIC_MODES, ListFilter
from db.types import utcnow
from domain.enums import CHANNELS, PURPOSES, SOURCES, STATUSES, TOPICS
from domain.errors import ConflictError, ValidationError
from domain.formatting import BERLIN, format_date, format_int
from services.contacts.rules import CHANNEL_LESS
from services.core import audit
from services.core.export import safe_csv
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.core.xlsx import safe_xlsx

__all__ = [
    "EXPORT_MAX_ROWS",
    "PAGE_SIZE",
    "SORTS",
    "TOPIC_MODES",
    "BulkResult",
    "ListChoices",
    "ListFilter",
    "ListPage",
    "ListRow",
    "bulk_topic",
    "check_filter",
    "export_list",
    "list_choices",
    "list_page",
]

PAGE_SIZE = 50
EXPORT_CHUNK = 5000
# A download is held in the browser session's memory: a bigger list is narrowed by its filters first.
EXPORT_MAX_ROWS = 250_000
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_HEADERS = (
    "ID",
    "Nachname",
    "Vorname",
    "E-Mail",
    "Telefon",
    "Straße",
    "PLZ",
    "Ort",
    "Kreis",
    "Kreisverband",
    "Status",
    "Quelle",
    "Themen",
    "angelegt am",
)


@dataclass(frozen=True)
class ListRow:
    """One row of the list."""

    id: int
    last_name: str
    first_name: str
    plz: str
    city: str
    kreisverband: str
    status: str
    topics: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class ListPage:
    """One page of the list, the filter's total, and where the neighbouring pages start.

    prev_cursor / next_cursor are None when there is no page before / after this one.
    """

    rows: list[ListRow]
    total: int
    prev_cursor: tuple | None
    next_cursor: tuple | None


@dataclass(frozen=True)
class ListChoices:
    """What the filters offer within the user's area: Kreise, KVs and import batches (id, label)."""

    kreise: list[tuple[str, str]]
    kvs: list[tuple[int, str]]
    batches: list[tuple[int, str]]


@dataclass(frozen=True)
class BulkResult:
    """A topic change on a list: how many were listed and how many really changed."""

    listed: int
    changed: int


def check_filter(flt: ListFilter) -> None:
    """Refuse codes that do not exist and an empty date range, with German messages."""
    for values, known, what in (
        (flt.statuses, STATUSES, "Status"),
        (flt.sources, SOURCES, "Quelle"),
        (flt.topics, TOPICS, "Thema"),
    ):
        if unknown := [v for v in values if v not in known]:
            raise ValidationError(f"Unbekannte:r {what}: {', '.join(map(str, unknown))}.")
    if flt.topic_mode not in TOPIC_MODES:
        raise ValidationError("Bei Themen gilt „eines davon“ oder „alle“.")
    if flt.consent is not None:
        purpose, channel = flt.consent
        needs_channel = purpose not in CHANNEL_LESS
        if purpose not in PURPOSES or (channel is not None) != needs_channel or (channel and channel not in CHANNELS):
            raise ValidationError("Diese Einwilligung gibt es nicht.")
    if flt.created_from and flt.created_to and flt.created_from > flt.created_to:
        raise ValidationError("Das Startdatum liegt nach dem Enddatum.")
    if flt.no_office_km is not None:
        get_settings().reach.check(flt.no_office_km)


def _check(scope: Scope, flt: ListFilter, sort: str) -> None:
    require_action(scope, "contacts.care")
    check_filter(flt)
    if sort not in SORTS:
        raise ValidationError("Unbekannte Sortierung.")


def _plan(session: Session, scope: Scope, flt: ListFilter, total: int) -> str:
    return q.choose_plan(session.get_bind().dialect.name, scope, flt, total)


def list_page(
    session: Session,
    scope: Scope,
    flt: ListFilter,
    sort: str = "name",
    cursor: tuple | None = None,
    direction: str = "forward",
) -> ListPage:
    """One page (50) of the filtered list in scope after (forward) or before (back) a cursor, with the total."""
    _check(scope, flt, sort)
    if direction not in ("forward", "back"):
        raise ValueError(f"unknown direction {direction!r}")
    q.prepare(session)
    total = q.count(session, scope, flt)
    if total == 0:
        return ListPage(rows=[], total=0, prev_cursor=None, next_cursor=None)
    back = direction == "back" and cursor is not None
    data, cursors = q.page(
        session, scope, flt, sort, cursor, backward=back, limit=PAGE_SIZE + 1, plan=_plan(session, scope, flt, total)
    )
    more = len(data) > PAGE_SIZE
    if back:
        # Read backward: the extra row lies before the page.
        data, cursors = (data[1:], cursors[1:]) if more else (data, cursors)
        prev_cursor, next_cursor = (cursors[0] if more and cursors else None), (cursors[-1] if cursors else None)
    else:
        data, cursors = data[:PAGE_SIZE], cursors[:PAGE_SIZE]
        prev_cursor = cursors[0] if cursor is not None and cursors else None
        next_cursor = cursors[-1] if more else None
    topics = lookups.topics_of(session, [r[0] for r in data])
    kvs = lookups.kv_names_of(session, [r[5] for r in data])
    rows = [
        ListRow(
            id=r[0],
            last_name=r[1],
            first_name=r[2],
            plz=r[3],
            city=r[4],
            kreisverband=kvs.get(r[5], ""),
            status=r[6],
            topics=tuple(topics.get(r[0], ())),
            created_at=r[7],
        )
        for r in data
    ]
    return ListPage(rows=rows, total=total, prev_cursor=prev_cursor, next_cursor=next_cursor)


def list_choices(session: Session, scope: Scope) -> ListChoices:
    """The Kreise, KVs and import batches the list's filters offer in the user's area."""
    require_action(scope, "contacts.care")
    batches = [
        (bid, f"Nr. {bid} · {name or 'ohne Dateiname'} · {format_date(at.astimezone(BERLIN))}")
        for bid, name, at in lookups.batches_in_scope(session, scope)
    ]
    return ListChoices(
        kreise=lookups.kreis_names(session, scope), kvs=lookups.kv_choices(session, scope), batches=batches
    )


def _berlin_day(value: datetime) -> date:
    return value.astimezone(BERLIN).date()


def _export_rows(session: Session, scope: Scope, flt: ListFilter, sort: str, total: int):
    """The whole filtered list in sort order, chunk by chunk (keyset, so every chunk costs the same)."""
    cursor, plan = None, _plan(session, scope, flt, total)
    columns = q.export_columns(session.get_bind().dialect.name)
    while True:
        data, cursors = q.page(session, scope, flt, sort, cursor, limit=EXPORT_CHUNK, columns=columns, plan=plan)
        if not data:
            return
        kreise = lookups.kreis_names_of(session, [r[8] for r in data])
        kvs = lookups.kv_names_of(session, [r[9] for r in data])
        for cid, last, first, email, phone, street, plz, city, ags, kv_id, status, source, created, codes in data:
            yield (
                cid,
                last,
                first,
                email,
                phone,
                street,
                plz,
                city,
                kreise.get(ags, ags),
                kvs.get(kv_id, ""),
                STATUSES.get(status, status),
                SOURCES.get(source, source),
                ", ".join(TOPICS.get(t, t) for t in sorted(codes.split(","))) if codes else "",
                _berlin_day(created),
            )
        if len(data) < EXPORT_CHUNK:
            return
        cursor = cursors[-1]


def _csv(rows) -> bytes:
    df = pd.DataFrame.from_records(list(rows), columns=list(EXPORT_HEADERS))
    df["angelegt am"] = [format_date(d) for d in df["angelegt am"]]
    return safe_csv(df)


def _xlsx(rows) -> bytes:
    return safe_xlsx(EXPORT_HEADERS, rows, sheet="Linksaktive")


def export_list(session: Session, scope: Scope, flt: ListFilter, sort: str = "name", fmt: str = "csv") -> bytes:
    """The filtered list in scope as CSV or XLSX bytes (German headers, formula cells neutralised); audited, commits."""
    _check(scope, flt, sort)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("Exportieren geht als CSV oder XLSX.")
    q.prepare(session)
    total = q.count(session, scope, flt)
    if total > EXPORT_MAX_ROWS:
        raise ValidationError(
            f"Die Liste hat {format_int(total)} Einträge; ein Export fasst höchstens "
            f"{format_int(EXPORT_MAX_ROWS)}. Bitte grenze die Filter ein."
        )
    data = (_csv if fmt == "csv" else _xlsx)(_export_rows(session, scope, flt, sort, total))
    audit.record(
        session, scope, "contacts_exported", "contact_list", "", format=fmt, sort=sort, rows=total, **flt.codes()
    )
    session.commit()
    return data


def bulk_topic(
    session: Session, scope: Scope, flt: ListFilter, topic: str, add: bool, expected_count: int
) -> BulkResult:
    """Add or remove a topic on every contact of the filtered list in scope (set-based); audited, commits.

    expected_count is the list's size the user confirmed: a list that changed since is refused.
    """
    _check(scope, flt, "name")
    if topic not in TOPICS:
        raise ValidationError("Dieses Thema gibt es nicht.")
    q.prepare(session)
    listed = q.count(session, scope, flt)
    if listed != int(expected_count):
        raise ConflictError(
            f"Die Liste hat sich seit deiner Bestätigung geändert: jetzt {format_int(listed)} statt "
            f"{format_int(expected_count)} Linksaktive. Bitte prüfe sie und bestätige noch einmal."
        )
    if listed == 0:
        raise ValidationError("Die Liste ist leer: Es gibt niemanden, bei dem sich das Thema ändern könnte.")
    changed = q.change_topic(session, scope, flt, topic, add, utcnow())
    audit.record(
        session,
        scope,
        "contacts_topic_bulk",
        "contact_list",
        "",
        topic=topic,
        change="add" if add else "remove",
        listed=listed,
        changed=changed,
        **flt.codes(),
    )
    session.commit()
    return BulkResult(listed=listed, changed=changed)

"""The list of Linksaktive on SQLite and PostgreSQL: filters, keyset paging, count, scope, export, bulk topics.

Expected rows come from a plain-Python reading of the same data (the oracle), not from the SQL under test.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from db.models import AuditEvent, Consent, Contact, ContactShare, ContactTopic, ImportBatch, Plz
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.contacts import listing
from services.contacts.listing import PAGE_SIZE, ListFilter, bulk_topic, export_list, list_page
from tests.support.scopes import ADMIN, kv_of, user_scope

LEIPZIG = "14713"


def _oracle(session, scope, flt: ListFilter) -> set[int]:
    """Ids the filter should list, computed in Python from all rows."""
    contacts = session.execute(
        select(
            Contact.id,
            Contact.status,
            Contact.source,
            Contact.kreis_ags,
            Contact.kv_id,
            Contact.land_code,
            Contact.plz,
            Contact.created_at,
            Contact.import_batch_id,
        )
    ).all()
    topics: dict[int, set[str]] = {}
    for cid, topic in session.execute(select(ContactTopic.contact_id, ContactTopic.topic)):
        topics.setdefault(cid, set()).add(topic)
    latest: dict[tuple, tuple] = {}
    for rec in session.execute(
        select(
            Consent.contact_id, Consent.purpose, Consent.channel, Consent.granted_at, Consent.id, Consent.withdrawn_at
        )
    ):
        key = (rec.contact_id, rec.purpose, rec.channel)
        if key not in latest or (rec.granted_at, rec.id) > latest[key][:2]:
            latest[key] = (rec.granted_at, rec.id, rec.withdrawn_at is None)
    km = dict(session.execute(select(Plz.plz, Plz.nearest_office_km)).all())
    shared = (
        set(
            session.scalars(
                select(ContactShare.contact_id).where(
                    ContactShare.kv_id == scope.kv_id, ContactShare.revoked_at.is_(None)
                )
            )
        )
        if scope.role == "kreis"
        else set()
    )
    berlin = listing.BERLIN
    out = set()
    for c in contacts:
        if scope.role == "kreis" and not (c.kv_id == scope.kv_id or c.id in shared):
            continue
        if scope.role == "land" and c.land_code != scope.land_code:
            continue
        mine = topics.get(c.id, set())
        day = c.created_at.astimezone(berlin).date()
        checks = [
            not flt.statuses or c.status in flt.statuses,
            not flt.sources or c.source in flt.sources,
            not flt.topics or (set(flt.topics) <= mine if flt.topic_mode == "all" else bool(set(flt.topics) & mine)),
            not flt.consent or latest.get((c.id, *flt.consent), (0, 0, False))[2],
            not flt.created_from or day >= flt.created_from,
            not flt.created_to or day <= flt.created_to,
            not flt.kreis_ags or c.kreis_ags == flt.kreis_ags,
            flt.kv_id is None or c.kv_id == flt.kv_id,
            flt.no_office_km is None or km.get(c.plz) is None or km[c.plz] > flt.no_office_km,
            flt.import_batch_id is None or c.import_batch_id == flt.import_batch_id,
        ]
        if all(checks):
            out.add(c.id)
    return out


def _walk(session, scope, flt, sort):
    """Every page forward from the start: rows in order, and the pages with their cursors."""
    pages, cursor = [], None
    while True:
        page = list_page(session, scope, flt, sort, cursor, "forward")
        pages.append(page)
        assert len(page.rows) <= PAGE_SIZE
        if page.next_cursor is None:
            return [r for p in pages for r in p.rows], pages
        assert len(page.rows) == PAGE_SIZE
        cursor = page.next_cursor


def _batch(session, contact_ids) -> int:
    batch = ImportBatch(source="import", file_name="liste.csv", mapping={}, counts={}, username="team")
    session.add(batch)
    session.flush()
    session.execute(update(Contact).where(Contact.id.in_(contact_ids)).values(import_batch_id=batch.id))
    session.commit()
    return batch.id


def _some_day(session) -> tuple[date, date]:
    days = sorted(d.astimezone(listing.BERLIN).date() for d in session.scalars(select(Contact.created_at)))
    return days[len(days) // 3], days[len(days) // 2]


FILTERS = {
    "status": lambda s: ListFilter(statuses=("active",)),
    "statuses": lambda s: ListFilter(statuses=("active", "member")),
    "topic": lambda s: ListFilter(topics=("miete",)),
    "topics_any": lambda s: ListFilter(topics=("miete", "pflege"), topic_mode="any"),
    "topics_all": lambda s: ListFilter(topics=("miete", "pflege"), topic_mode="all"),
    "sources": lambda s: ListFilter(sources=("infostand", "haustuer")),
    "consent": lambda s: ListFilter(consent=("newspaper", "post")),
    "consent_channel_less": lambda s: ListFilter(consent=("volunteering", None)),
    "created": lambda s: ListFilter(created_from=_some_day(s)[0], created_to=_some_day(s)[1]),
    "kreis": lambda s: ListFilter(kreis_ags=LEIPZIG),
    "kv": lambda s: ListFilter(kv_id=kv_of(s, LEIPZIG)),
    "no_office": lambda s: ListFilter(no_office_km=15.0),
    "batch": lambda s: ListFilter(
        import_batch_id=_batch(s, list(s.scalars(select(Contact.id).where(Contact.id % 7 == 0).limit(120))))
    ),
    "three": lambda s: ListFilter(
        statuses=("contact", "active"), topics=("miete", "klima"), consent=("information", "email")
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_lists_exactly_its_contacts(session, name):
    flt = FILTERS[name](session)
    expected = _oracle(session, ADMIN, flt)
    assert expected, "the filter should match someone in the seeded data"
    rows, pages = _walk(session, ADMIN, flt, "name")
    assert [r.id for r in rows if r.id not in expected] == []
    assert {r.id for r in rows} == expected and len(rows) == len(expected)
    assert pages[0].total == len(expected)


@pytest.mark.parametrize("sort", ["name", "plz", "created"])
@pytest.mark.parametrize("plan", listing.q.PLANS)
def test_paging_visits_every_row_once_in_order_forward_and_back(session, monkeypatch, sort, plan):
    # Every plan of a page (walk along the sort index, filter first and sort, the planner's) gives the same pages.
    monkeypatch.setattr(listing.q, "choose_plan", lambda *_: plan)
    scope = user_scope(session, "lv-sachsen")
    flt = ListFilter(statuses=("contact", "active", "member"))
    # Ties on every sort key but id: the id must break them.
    twins = list(
        session.scalars(select(Contact.id).where(Contact.land_code == scope.land_code).order_by(Contact.id).limit(4))
    )
    session.execute(
        update(Contact)
        .where(Contact.id.in_(twins))
        .values(
            last_name="Zwilling",
            first_name="Anna",
            plz=session.get(Contact, twins[0]).plz,
            created_at=datetime(2025, 5, 5, 12, tzinfo=UTC),
        )
    )
    session.commit()
    rows, pages = _walk(session, scope, flt, sort)
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids)) == pages[0].total == len(_oracle(session, scope, flt)) > 2 * PAGE_SIZE
    # The order is the database's own ORDER BY over all rows, with id last.
    keys = listing.q.sort_keys(session.get_bind().dialect.name, sort)
    stmt = listing.q.filtered(scope, flt, Contact.id).order_by(*listing.q.order_by(keys))
    assert ids == list(session.scalars(stmt))
    twin_positions = [ids.index(t) for t in twins]
    assert twin_positions == sorted(twin_positions, reverse=(sort == "created"))
    if sort == "created":
        created = [r.created_at for r in rows]
        assert created == sorted(created, reverse=True)
    if sort == "plz":
        assert [r.plz for r in rows] == sorted(r.plz for r in rows)
    if sort == "name":
        ascii_keys = [
            (r.last_name.lower(), r.first_name.lower()) for r in rows if (r.last_name + r.first_name).isascii()
        ]
        assert ascii_keys == sorted(ascii_keys)
    # Back from the last page: the same pages in reverse, each with the same rows.
    back, page = [], pages[-1]
    while page.prev_cursor is not None:
        page = list_page(session, scope, flt, sort, page.prev_cursor, "back")
        back.append([r.id for r in page.rows])
    assert back == [[r.id for r in p.rows] for p in reversed(pages[:-1])]
    assert page.prev_cursor is None and page.next_cursor is not None


def test_the_latest_consent_record_decides(session):
    """Withdrawn then granted again: active; granted then withdrawn: not; counted alike on every path."""
    a, b = session.scalars(select(Contact.id).where(Contact.kreis_ags == LEIPZIG).order_by(Contact.id).limit(2))
    session.execute(
        Consent.__table__.delete().where(
            Consent.contact_id.in_([a, b]), Consent.purpose == "information", Consent.channel == "phone"
        )
    )
    t = datetime(2024, 1, 1, tzinfo=UTC)
    session.add_all(
        [
            Consent(contact_id=a, purpose="information", channel="phone", granted_at=t, withdrawn_at=t + timedelta(1)),
            Consent(contact_id=a, purpose="information", channel="phone", granted_at=t + timedelta(2)),
            Consent(contact_id=b, purpose="information", channel="phone", granted_at=t),
            Consent(
                contact_id=b,
                purpose="information",
                channel="phone",
                granted_at=t + timedelta(2),
                withdrawn_at=t + timedelta(3),
            ),
        ]
    )
    session.commit()
    flt = ListFilter(consent=("information", "phone"))
    for scope in (ADMIN, user_scope(session, "lv-sachsen"), user_scope(session, "kv-leipzig")):
        expected = _oracle(session, scope, flt)
        assert a in expected and b not in expected
        rows, pages = _walk(session, scope, flt, "name")
        assert {r.id for r in rows} == expected and pages[0].total == len(expected)
    both = ListFilter(consent=("information", "phone"), topics=("miete", "pflege"))
    assert list_page(session, ADMIN, both).total == len(_oracle(session, ADMIN, both))


def test_empty_list(session):
    page = list_page(session, ADMIN, ListFilter(kreis_ags="00000"), "name")
    assert page.rows == [] and page.total == 0 and page.prev_cursor is None and page.next_cursor is None


def test_rows_carry_kv_topics_and_created(session):
    page = list_page(session, ADMIN, ListFilter(topics=("miete",)), "created")
    row = page.rows[0]
    assert "miete" in row.topics and row.kreisverband and row.created_at.tzinfo is not None


def test_created_between_berlin_calendar_days(session):
    cid = session.scalar(select(Contact.id).order_by(Contact.id))
    # 22:30 UTC on 31 March 2025 is 00:30 on 1 April in Berlin (summer time).
    session.execute(
        update(Contact).where(Contact.id == cid).values(created_at=datetime(2025, 3, 31, 22, 30, tzinfo=UTC))
    )
    session.commit()

    def ids(**kw):
        return {r.id for r in _walk(session, ADMIN, ListFilter(**kw), "created")[0]}

    assert cid in ids(created_from=date(2025, 4, 1), created_to=date(2025, 4, 1))
    assert cid not in ids(created_to=date(2025, 3, 31), created_from=date(2025, 3, 31))
    with pytest.raises(ValidationError, match="Startdatum"):
        list_page(session, ADMIN, ListFilter(created_from=date(2025, 4, 2), created_to=date(2025, 4, 1)))


def test_kreis_user_sees_only_its_kv_and_leitung_is_refused(session):
    scope = user_scope(session, "kv-leipzig")
    rows, pages = _walk(session, scope, ListFilter(), "name")
    assert {r.id for r in rows} == _oracle(session, scope, ListFilter())
    assert pages[0].total == len(rows)
    shared = set(
        session.scalars(
            select(ContactShare.contact_id).where(ContactShare.kv_id == scope.kv_id, ContactShare.revoked_at.is_(None))
        )
    )
    own = set(session.scalars(select(Contact.id).where(Contact.kv_id == scope.kv_id)))
    assert {r.id for r in rows} == own | shared
    # Another KV's filter within a kreis scope lists nobody.
    other_kv = session.scalar(select(Contact.kv_id).where(Contact.kv_id != scope.kv_id))
    assert list_page(session, scope, ListFilter(kv_id=other_kv)).total == 0
    leitung = user_scope(session, "leitung")
    for call in (
        lambda: list_page(session, leitung, ListFilter()),
        lambda: export_list(session, leitung, ListFilter(), "name", "csv"),
        lambda: bulk_topic(session, leitung, ListFilter(), "miete", True, 0),
        lambda: listing.list_choices(session, leitung),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_choices_within_the_area(session):
    scope = user_scope(session, "kv-leipzig")
    choices = listing.list_choices(session, scope)
    assert LEIPZIG in {ags for ags, _ in choices.kreise}
    assert [kv for kv, _ in choices.kvs] == [scope.kv_id]
    batch = _batch(session, list(session.scalars(select(Contact.id).where(Contact.kv_id == scope.kv_id).limit(3))))
    other = _batch(session, list(session.scalars(select(Contact.id).where(Contact.kv_id != scope.kv_id).limit(3))))
    ids = [b for b, _ in listing.list_choices(session, scope).batches]
    assert batch in ids and other not in ids


def _mark_formula(session) -> int:
    cid = session.scalar(select(Contact.id).where(Contact.kreis_ags == LEIPZIG).order_by(Contact.id))
    session.execute(
        update(Contact)
        .where(Contact.id == cid)
        .values(last_name="=cmd|' /C calc'!A0", first_name="@SUM(A1)", city="-2+3")
    )
    session.commit()
    return cid


def test_export_csv_neutralises_and_is_audited(session):
    cid = _mark_formula(session)
    flt = ListFilter(kreis_ags=LEIPZIG, statuses=("contact", "active", "member"))
    expected = _oracle(session, ADMIN, flt)
    data = export_list(session, ADMIN, flt, "name", "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Nachname", "Vorname"] and rows[0][-1] == "angelegt am"
    assert {int(r[0]) for r in rows[1:]} == expected
    mine = next(r for r in rows[1:] if int(r[0]) == cid)
    assert mine[1] == "'=cmd|' /C calc'!A0" and mine[2] == "'@SUM(A1)" and mine[7] == "'-2+3"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert all(len(r[-1]) == 10 and r[-1][2] == "." for r in rows[1:])
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contacts_exported").order_by(AuditEvent.id.desc())
    ).first()
    assert event.object_type == "contact_list" and event.username == "admin"
    assert event.details == {
        "format": "csv",
        "sort": "name",
        "rows": len(expected),
        "kreis_ags": LEIPZIG,
        "statuses": ["contact", "active", "member"],
    }


def test_export_xlsx_neutralises_and_is_audited(session):
    cid = _mark_formula(session)
    scope = user_scope(session, "kv-leipzig")
    flt = ListFilter(topics=("miete", "pflege"), topic_mode="all")
    _oracle_ids = _oracle(session, scope, flt) | {cid}
    session.add_all(
        [
            ContactTopic(contact_id=cid, topic=t)
            for t in ("miete", "pflege")
            if session.get(ContactTopic, (cid, t)) is None
        ]
    )
    session.commit()
    data = export_list(session, scope, flt, "created", "xlsx")
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "Nachname" and len(rows) - 1 == len(_oracle_ids)
    mine = next(r for r in rows[1:] if r[0] == cid)
    assert mine[1] == "'=cmd|' /C calc'!A0" and mine[2] == "'@SUM(A1)"
    assert "Miete" in mine[12] and isinstance(mine[13], datetime)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contacts_exported").order_by(AuditEvent.id.desc())
    ).first()
    assert event.username == "kv-leipzig" and event.details["format"] == "xlsx"
    assert event.details["topics"] == ["miete", "pflege"] and event.details["topic_mode"] == "all"


def test_export_refuses_a_list_over_the_limit(session, monkeypatch):
    monkeypatch.setattr(listing, "EXPORT_MAX_ROWS", 10)
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationError, match="Filter ein"):
        export_list(session, ADMIN, ListFilter(), "name", "csv")
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def _has(session, topic) -> set[int]:
    return set(session.scalars(select(ContactTopic.contact_id).where(ContactTopic.topic == topic)))


def test_bulk_topic_adds_and_removes_on_the_list_only(session):
    scope = user_scope(session, "kv-leipzig")
    flt = ListFilter(statuses=("active",))
    listed = _oracle(session, scope, flt)
    before = _has(session, "frieden")
    t0 = datetime.now(UTC) - timedelta(seconds=1)
    result = bulk_topic(session, scope, flt, "frieden", True, len(listed))
    assert result.listed == len(listed) and result.changed == len(listed - before)
    assert _has(session, "frieden") == before | listed
    changed = listed - before
    stamps = session.scalars(select(Contact.updated_at).where(Contact.id.in_(changed)))
    assert all(s >= t0 for s in stamps)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contacts_topic_bulk").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details == {
        "topic": "frieden",
        "change": "add",
        "listed": len(listed),
        "changed": len(changed),
        "statuses": ["active"],
    }
    # Adding again changes nobody; removing takes it from the list's people only.
    assert bulk_topic(session, scope, flt, "frieden", True, len(listed)).changed == 0
    result = bulk_topic(session, scope, flt, "frieden", False, len(listed))
    assert result.changed == len(listed)
    assert _has(session, "frieden") == before - listed


def test_bulk_topic_refuses_a_stale_count_and_writes_nothing(session):
    scope = user_scope(session, "kv-leipzig")
    flt = ListFilter(topics=("miete",))
    listed = len(_oracle(session, scope, flt))
    before = _has(session, "bildung")
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ConflictError, match="geändert"):
        bulk_topic(session, scope, flt, "bildung", True, listed + 1)
    assert _has(session, "bildung") == before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    with pytest.raises(ValidationError, match="Thema"):
        bulk_topic(session, scope, flt, "kochen", True, listed)


@pytest.mark.parametrize("username", ["lv-sachsen", "kv-leipzig"])
def test_narrow_filters_within_a_scope(session, username):
    """A Kreis, KV or batch leads the query (SQLite), and the scope still holds around it."""
    scope = user_scope(session, username)
    # A batch spread over the country: only its people in the scope are listed.
    batch = _batch(session, list(session.scalars(select(Contact.id).where(Contact.id % 5 == 0))))
    for flt in (
        ListFilter(kreis_ags=LEIPZIG),
        ListFilter(kv_id=kv_of(session, LEIPZIG)),
        ListFilter(import_batch_id=batch),
        ListFilter(import_batch_id=batch, statuses=("contact", "active")),
        ListFilter(kreis_ags="14612"),  # Dresden: inside Sachsen, outside the KV Leipzig
    ):
        expected = _oracle(session, scope, flt)
        rows, pages = _walk(session, scope, flt, "name")
        assert {r.id for r in rows} == expected and pages[0].total == len(expected), flt

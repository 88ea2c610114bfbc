"""The list's filter → SQL without a database of the app: terms, keyset order, Berlin days, checks, plans, audit codes."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from db.queries.contacts import listing as q
from db.scope import Scope
from domain.errors import ValidationError
from services.contacts.listing import ListFilter, check_filter
from services.core.audit import _check

TEAM, LAND, KREIS = Scope(role="team"), Scope(role="land", land_code="14"), Scope(role="kreis", kv_id=7)


def _sql(stmt, dialect=sqlite) -> str:
    return str(stmt.compile(dialect=dialect.dialect(), compile_kwargs={"literal_binds": True}))


def _where(flt: ListFilter, **kw) -> str:
    return _sql(q.filtered(TEAM, flt, q.Contact.id, **kw))


def test_empty_filter_has_no_terms():
    assert q.conditions(ListFilter()) == []
    assert "WHERE" not in _where(ListFilter())


def test_topics_any_is_one_exists_all_is_one_per_topic():
    any_sql = _where(ListFilter(topics=("miete", "pflege")))
    all_sql = _where(ListFilter(topics=("miete", "pflege"), topic_mode="all"))
    assert any_sql.count("EXISTS") == 1 and "IN ('miete', 'pflege')" in any_sql
    assert all_sql.count("EXISTS") == 2 and "= 'miete'" in all_sql and "= 'pflege'" in all_sql


def test_contact_terms_and_berlin_days():
    sql = _where(
        ListFilter(
            statuses=("active",),
            sources=("infostand", "import"),
            kreis_ags="14713",
            kv_id=3,
            import_batch_id=9,
            no_office_km=15.0,
            created_from=date(2025, 1, 1),
            created_to=date(2025, 7, 1),
        )
    )
    for part in (
        "contact.status IN ('active')",
        "contact.source IN ('infostand', 'import')",
        "contact.kreis_ags = '14713'",
        "contact.kv_id = 3",
        "contact.import_batch_id = 9",
        "plz.nearest_office_km IS NULL OR plz.nearest_office_km > 15.0",
    ):
        assert part in sql, part
    # Berlin midnight in UTC: 23:00 the day before in winter, 22:00 in summer; the end day is included.
    assert "'2024-12-31 23:00:00.000000'" in sql and "'2025-07-01 22:00:00.000000'" in sql
    assert q.berlin_day_start(date(2025, 7, 1)).utcoffset() == timedelta(hours=2)


def test_a_walk_hides_the_contact_terms_from_the_indexes():
    sql = _where(ListFilter(statuses=("active",), kv_id=3), walk=True)
    assert "(contact.status || '') IN ('active')" in sql and "contact.kv_id + 0 = 3" in sql
    land = _sql(q.filtered(LAND, ListFilter(), q.Contact.id, walk=True))
    assert "(contact.land_code || '') = '14'" in land


def test_the_consent_term_reads_the_active_consents_by_their_key():
    sql = _where(ListFilter(consent=("newspaper", "post")))
    assert "FROM consent_active" in sql and "FROM consent " not in sql
    assert "consent_active.purpose = 'newspaper' AND consent_active.channel = 'post'" in sql
    # A consent without a channel is stored under '' (a primary key cannot hold NULL).
    assert "consent_active.channel = ''" in _where(ListFilter(consent=("volunteering", None)))


def test_the_scope_is_always_applied():
    sql = _sql(q.filtered(KREIS, ListFilter(), q.Contact.id))
    assert "contact.kv_id = 7 OR contact.id IN" in sql
    with pytest.raises(Exception, match="personenbezogenen"):
        q.filtered(Scope(role="leitung"), ListFilter(), q.Contact.id)


def test_name_keys_are_the_index_expressions():
    pg = _sql(select(q.Contact.id).order_by(*q.order_by(q.sort_keys("postgresql", "name"))), postgresql)
    assert 'lower(contact.last_name) COLLATE "C"' in pg
    lite = _sql(select(q.Contact.id).order_by(*q.order_by(q.sort_keys("sqlite", "name"))))
    assert 'contact.last_name COLLATE "NOCASE" ASC, contact.first_name COLLATE "NOCASE" ASC, contact.id ASC' in lite
    hidden = _sql(select(q.Contact.id).order_by(*q.order_by(q.sort_keys("sqlite", "name", indexed=False))))
    assert "(contact.last_name || '') COLLATE \"NOCASE\"" in hidden


@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize("backward", [False, True])
def test_keyset_after_is_strict_tuple_order(desc, backward):
    """after(keys, cursor) selects exactly the rows beyond the cursor, ties broken by the last key."""
    rows = Table("r", MetaData(), Column("id", Integer), Column("a", String), Column("b", Integer))
    rng = random.Random(7)
    data = [(i, rng.choice("xyz"), rng.randint(0, 3)) for i in range(1, 80)]
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE r (id INTEGER, a TEXT, b INTEGER)")
    con.executemany("INSERT INTO r VALUES (?, ?, ?)", data)
    keys = [(rows.c.a, desc), (rows.c.b, desc), (rows.c.id, desc)]
    for cursor_row in rng.sample(data, 10):
        cursor = (cursor_row[1], cursor_row[2], cursor_row[0])
        stmt = select(rows.c.id).where(q.after(keys, cursor, backward)).order_by(*q.order_by(keys, backward))
        got = [r[0] for r in con.execute(_sql(stmt))]
        key = [(a, b, i) for i, a, b in data]
        ahead = desc == backward  # ascending in the reading direction
        expected = sorted((k for k in key if (k > cursor if ahead else k < cursor)), reverse=not ahead)
        assert got == [k[2] for k in expected]


def test_check_filter_refuses_unknown_codes_in_german():
    check_filter(ListFilter(statuses=("member",), topics=("miete",), consent=("volunteering", None)))
    for flt, message in (
        (ListFilter(statuses=("boss",)), "Status"),
        (ListFilter(topics=("kochen",)), "Thema"),
        (ListFilter(sources=("flyer",)), "Quelle"),
        (ListFilter(topic_mode="some"), "Themen"),
        (ListFilter(consent=("newspaper", None)), "Einwilligung"),
        (ListFilter(consent=("volunteering", "email")), "Einwilligung"),
        (ListFilter(consent=("newspaper", "fax")), "Einwilligung"),
        (ListFilter(created_from=date(2025, 2, 1), created_to=date(2025, 1, 1)), "Startdatum"),
        (ListFilter(no_office_km=500.0), "Reichweite"),
    ):
        with pytest.raises(ValidationError, match=message):
            check_filter(flt)


def test_plans():
    assert q.choose_plan("sqlite", KREIS, ListFilter(), 15_000) == "walk"
    assert q.choose_plan("sqlite", KREIS, ListFilter(topics=("miete", "frieden"), topic_mode="all"), 900) == (
        "filter_first"
    )
    assert q.choose_plan("sqlite", TEAM, ListFilter(statuses=("member",)), 80_000) == "walk"
    assert q.choose_plan("sqlite", TEAM, ListFilter(import_batch_id=1), 120) == "filter_first"
    # Rare hits of topics alone: no contact index finds them, the walk is still the better plan.
    assert q.choose_plan("sqlite", TEAM, ListFilter(topics=("miete", "frieden"), topic_mode="all"), 120) == "walk"
    assert q.choose_plan("postgresql", TEAM, ListFilter(), 1_000_000) == "planner"
    assert q.choose_plan("postgresql", LAND, ListFilter(statuses=("member",)), 314) == "filter_first"


def test_filter_codes_are_audit_safe():
    flt = ListFilter(
        statuses=("active", "member"),
        topics=("miete",),
        topic_mode="all",
        sources=("import",),
        consent=("volunteering", None),
        created_from=date(2025, 1, 1),
        created_to=date(2025, 1, 31),
        kreis_ags="14713",
        kv_id=4,
        no_office_km=12.5,
        import_batch_id=3,
    )
    codes = flt.codes()
    assert codes["consent"] == "volunteering:-" and codes["created_to"] == "2025-01-31"
    assert {k: _check(v, k) for k, v in codes.items()} == codes
    assert ListFilter().codes() == {}
    assert isinstance(q.berlin_day_start(date(2025, 1, 1)), datetime)


def test_on_sqlite_a_kv_leads_over_a_status_of_all_germany():
    flt = ListFilter(statuses=("active",), sources=("social_media",))
    kv = _sql(q.filtered(KREIS, flt, q.Contact.id, dialect="sqlite"))
    assert "(contact.status || '') IN ('active')" in kv and "(contact.source || '') IN ('social_media')" in kv
    assert "contact.kv_id = 7 OR" in kv  # the KV's own index stays usable
    # A Land or all Germany keep the status indexed; so does PostgreSQL, whose statistics are sound.
    assert "contact.status IN ('active')" in _sql(q.filtered(LAND, flt, q.Contact.id, dialect="sqlite"))
    assert "contact.status IN ('active')" in _sql(
        q.filtered(KREIS, flt, q.Contact.id, dialect="postgresql"), postgresql
    )

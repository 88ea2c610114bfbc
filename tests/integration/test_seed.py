"""The demo seed on SQLite and PostgreSQL: structure, plausibility, constraints, determinism."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from db.models import DispatchOrder
from domain.enums import ACTIVITY_KINDS, CHANNELS, PURPOSES, SKILLS, SOURCES, TOPICS
from services.contacts.rules import CONSENT_PAIRS
from services.seed import DEMO_PASSWORD, seed_demo
from services.seed.users import demo_password_hash
from tests.support.databases import TEST_CONTACTS


def _df(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def _scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_structure(engine):
    assert _scalar(engine, "SELECT COUNT(*) FROM land") == 16
    assert _scalar(engine, "SELECT COUNT(*) FROM kreis") == 400
    assert _scalar(engine, "SELECT COUNT(*) FROM plz") > 8000
    kreise = _df(
        engine,
        "SELECT k.ags, k.kv_id, k.land_code, v.land_code AS kv_land, v.name "
        "FROM kreis k JOIN kreisverband v ON v.id = k.kv_id",
    )
    assert len(kreise) == 400 and kreise["ags"].is_unique  # every Kreis in exactly one KV
    assert (kreise["land_code"] == kreise["kv_land"]).all()
    merged = kreise.groupby("kv_id").size()
    assert 3 <= (merged > 1).sum() <= 10 and merged.max() == 2
    assert _scalar(engine, "SELECT COUNT(*) FROM kreisverband") == kreise["kv_id"].nunique()
    names = dict(zip(kreise["ags"], kreise["name"]))
    assert names["14713"] == "KV Leipzig" and names["14626"] == "KV Görlitz"
    assert _scalar(engine, "SELECT COUNT(*) FROM campaign_lead") == kreise["kv_id"].nunique()
    assert _scalar(engine, "SELECT COUNT(DISTINCT lead_id) FROM lead_need") == kreise["kv_id"].nunique()
    edition = _df(engine, "SELECT title, copies_in_stock, copies_per_bundle FROM newspaper_edition")
    assert edition["title"].tolist() == ["Linksaktiv-Zeitung"]
    assert edition["copies_in_stock"][0] >= 20 * TEST_CONTACTS and edition["copies_per_bundle"][0] == 50


def test_offices_placed_as_in_reality(engine):
    offices = _df(
        engine,
        "SELECT o.*, k.land_code, k.ags FROM office o JOIN plz p ON p.plz = o.plz JOIN kreis k ON k.ags = p.kreis_ags",
    )
    assert 250 <= len(offices) <= 350
    assert (offices["city"] != "").all() and offices["opening_hours"].str.contains("Uhr|Vereinbarung").all()
    assert offices["email"].str.endswith("@example.org").all()
    assert (offices["ags"] == "14713").sum() >= 2  # Leipzig
    east = offices["land_code"].isin(["11", "12", "13", "14", "15", "16"]).mean()
    assert east > 0.3  # the east holds about 20 % of the people but far more offices
    counts = _df(engine, "SELECT ags FROM kreis").assign(n=0).set_index("ags")
    counts["n"] = offices.groupby("ags").size()
    assert counts["n"].isna().sum() > 60  # large regions without any office


def test_goerlitz_has_places_without_office_in_reach(engine):
    far = _scalar(engine, "SELECT COUNT(*) FROM plz WHERE kreis_ags = '14626' AND nearest_office_km > 15")
    near = _scalar(engine, "SELECT COUNT(*) FROM plz WHERE kreis_ags = '14626' AND nearest_office_km <= 15")
    assert far > 0 and near > 0
    assert _scalar(engine, "SELECT COUNT(*) FROM plz WHERE nearest_office_id IS NULL") == 0


def test_demo_users(engine):
    import bcrypt

    users = _df(
        engine,
        "SELECT u.username, u.role, u.land_code, u.password_hash, k.ags FROM app_user u "
        "LEFT JOIN kreis k ON k.kv_id = u.kv_id",
    )
    by_name = users.groupby("username")
    assert set(users["username"]) == {"admin", "team", "lv-sachsen", "kv-leipzig", "kv-goerlitz", "leitung"}
    assert by_name["role"].first().to_dict() == {
        "admin": "admin",
        "team": "team",
        "lv-sachsen": "land",
        "kv-leipzig": "kreis",
        "kv-goerlitz": "kreis",
        "leitung": "leitung",
    }
    assert "14713" in set(users.loc[users["username"] == "kv-leipzig", "ags"])
    assert "14626" in set(users.loc[users["username"] == "kv-goerlitz", "ags"])
    assert users.loc[users["username"] == "lv-sachsen", "land_code"].iloc[0] == "14"
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), users["password_hash"].iloc[0].encode())
    assert users["password_hash"].nunique() == 1 and users["password_hash"].iloc[0] == demo_password_hash(42)


def test_contacts_match_their_plz(engine):
    c = _df(
        engine,
        "SELECT c.*, p.place, p.kreis_ags AS p_ags, k.kv_id AS k_kv, k.land_code AS k_land "
        "FROM contact c JOIN plz p ON p.plz = c.plz JOIN kreis k ON k.ags = p.kreis_ags",
    )
    assert len(c) == TEST_CONTACTS
    assert (c["city"] == c["place"]).all()
    assert (c["kreis_ags"] == c["p_ags"]).all() and (c["kv_id"] == c["k_kv"]).all()
    assert (c["land_code"] == c["k_land"]).all()
    assert c["email"].str.match(r"^$|^[a-z0-9.\-]+@example\.(org|net|com)$").all()
    assert c["phone"].str.match(r"^$|^\+49 15\d 555 \d{4}$").all()
    assert set(c["source"]) <= set(SOURCES) and c["source"].nunique() >= 5
    assert c["kreis_ags"].nunique() > 250  # spread over the country
    assert c["land_code"].nunique() == 16


def test_statuses_dates_and_recency(engine):
    c = _df(engine, "SELECT status, contact_since, active_since, member_since, created_at, updated_at FROM contact")
    for col in ("contact_since", "active_since", "member_since"):
        c[col] = pd.to_datetime(c[col])
    for col in ("created_at", "updated_at"):
        c[col] = pd.to_datetime(c[col])
    assert set(c["status"]) == {"contact", "active", "member"}
    assert c.loc[c["status"] == "contact", ["active_since", "member_since"]].isna().all().all()
    act = c[c["status"] != "contact"]
    assert act["active_since"].notna().all() and (act["contact_since"] <= act["active_since"]).all()
    mem = c[c["status"] == "member"]
    assert mem["member_since"].notna().all() and (mem["active_since"] <= mem["member_since"]).all()
    assert (c["updated_at"] >= c["created_at"]).all()
    newest = c["created_at"].max()
    age = (newest - c["created_at"]).dt.days
    assert (age <= 7).sum() > 0.01 * len(c) and (age <= 30).sum() > (age <= 7).sum()
    assert age.max() > 700  # about three years back


def test_rows_per_contact_in_range(engine):
    n = TEST_CONTACTS
    assert 1.8 <= _scalar(engine, "SELECT COUNT(*) FROM contact_topic") / n <= 2.3
    assert 2.7 <= _scalar(engine, "SELECT COUNT(*) FROM consent") / n <= 3.3
    assert 2.7 <= _scalar(engine, "SELECT COUNT(*) FROM activity") / n <= 3.4
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM contact c WHERE NOT EXISTS (SELECT 1 FROM contact_topic t WHERE t.contact_id = c.id)",
        )
        == 0
    )
    topics = _df(engine, "SELECT contact_id, COUNT(*) AS n, MIN(topic) AS t FROM contact_topic GROUP BY contact_id")
    assert topics["n"].between(1, 4).all()
    assert set(_df(engine, "SELECT DISTINCT topic FROM contact_topic")["topic"]) <= set(TOPICS)
    first = _df(
        engine,
        "SELECT a.kind, a.occurred_at, c.created_at FROM activity a JOIN contact c "
        "ON c.id = a.contact_id WHERE a.kind = 'created'",
    )
    assert len(first) == n and (pd.to_datetime(first["occurred_at"]) == pd.to_datetime(first["created_at"])).all()
    assert set(_df(engine, "SELECT DISTINCT kind FROM activity")["kind"]) <= set(ACTIVITY_KINDS)


def test_consents(engine):
    cons = _df(engine, "SELECT purpose, channel, evidence, withdrawn_at, granted_at FROM consent")
    assert set(cons["purpose"]) == set(PURPOSES)
    assert set(cons["channel"].dropna()) <= set(CHANNELS)
    # Only the purpose x channel pairs that exist (no newspaper by e-mail).
    pairs = {(p, None if pd.isna(c) else c) for p, c in zip(cons["purpose"], cons["channel"])}
    assert pairs <= {(p, c) for p, channels in CONSENT_PAIRS.items() for c in channels}
    no_channel = cons["purpose"].isin(["volunteering", "pass_to_branch"])
    assert cons.loc[no_channel, "channel"].isna().all() and cons.loc[~no_channel, "channel"].notna().all()
    assert 0.07 <= cons["withdrawn_at"].notna().mean() <= 0.13
    w = cons[cons["withdrawn_at"].notna()]
    assert (pd.to_datetime(w["withdrawn_at"]) >= pd.to_datetime(w["granted_at"])).all()
    assert cons.loc[cons["channel"] == "email", "evidence"].str.startswith("Double-Opt-In bestätigt am ").all()
    post = cons[(cons["purpose"] == "newspaper") & (cons["channel"] == "post") & cons["withdrawn_at"].isna()]
    assert len(post) > 0.25 * TEST_CONTACTS


def test_volunteer_offers(engine):
    offers = _df(
        engine,
        "SELECT o.*, (SELECT COUNT(*) FROM offer_skill s WHERE s.offer_id = o.id) AS skills FROM volunteer_offer o",
    )
    assert 0.035 * TEST_CONTACTS <= len(offers) <= 0.065 * TEST_CONTACTS
    assert offers["skills"].between(1, 3).all() and offers["contact_id"].is_unique
    assert offers["travel_radius_km"].between(5, 50).all()
    assert (pd.to_datetime(offers["period_start"]) < pd.to_datetime(offers["period_end"])).all()
    assert set(_df(engine, "SELECT DISTINCT skill FROM offer_skill")["skill"]) <= set(SKILLS)
    without_consent = _scalar(
        engine,
        (
            "SELECT COUNT(*) FROM volunteer_offer o WHERE NOT EXISTS (SELECT 1 FROM consent c WHERE "
            "c.contact_id = o.contact_id AND c.purpose = 'volunteering' AND c.withdrawn_at IS NULL)"
        ),
    )
    assert without_consent == 0


def test_names_are_diverse(engine):
    names = _df(engine, "SELECT first_name || ' ' || last_name AS n FROM contact")["n"]
    for letter in ("ä", "ö", "ü", "ß"):
        assert names.str.contains(letter).any(), letter
    assert names.str.contains("ł|ğ|ș", regex=True).any()
    assert (names.str.len() > 25).any()


def _order(contact_id: int, status: str = "requested") -> DispatchOrder:
    return DispatchOrder(
        edition_id=1,
        contact_id=contact_id,
        copies=10,
        ship_name="Test",
        ship_street="Weg 1",
        ship_plz="04109",
        ship_city="Leipzig",
        kv_id=1,
        land_code="14",
        status=status,
    )


def test_one_open_dispatch_order_per_edition_and_contact(session):
    session.add(_order(1, status="cancelled"))
    session.add(_order(1))
    session.flush()  # a cancelled order does not block a new one
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_order(1))
        session.flush()
    session.add(_order(2, status="cancelled"))
    session.add(_order(2, status="cancelled"))
    session.flush()


def test_sequences_continue_after_explicit_ids(session):
    from db.models import Office

    before = session.execute(select(func.max(Office.id))).scalar_one()
    office = Office(kv_id=1, name="Neues Büro", plz="04109", city="Leipzig", lat=51.3, lon=12.4)
    session.add(office)
    session.flush()  # on PostgreSQL this fails with a duplicate key unless setval ran
    assert office.id > before


def _dump(engine) -> dict[str, list]:
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            if table == "alembic_version":
                continue
            # A rollup's row ids only count up (the caches' fingerprint): compare its counts, not its ids.
            names = [c["name"] for c in inspect(conn).get_columns(table)]
            cols = ", ".join(n for n in names if n != "id") if table.startswith("rollup_") else "*"
            rows = conn.execute(text(f"SELECT {cols} FROM {table}")).fetchall()
            out[table] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


def test_same_seed_same_data(empty_engine):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    seed_demo(empty_engine, contacts=300, seed=7, now=now)
    first = _dump(empty_engine)
    seed_demo(empty_engine, contacts=300, seed=7, now=now, reset=True)
    assert _dump(empty_engine) == first
    assert len(first["contact"]) == 300 and len(first["app_user"]) == 6
    seed_demo(empty_engine, contacts=300, seed=8, now=now, reset=True)
    assert _dump(empty_engine)["contact"] != first["contact"]


def test_seed_refuses_a_filled_database(empty_engine):
    from domain.errors import ConflictError

    seed_demo(empty_engine, contacts=50, seed=1)
    with pytest.raises(ConflictError):
        seed_demo(empty_engine, contacts=50, seed=1)


def _schema_objects(engine) -> dict[str, list]:
    with engine.connect() as conn:
        insp = inspect(conn)
        out = {}
        for table in ("contact", "contact_topic", "consent", "activity", "volunteer_offer", "offer_skill"):
            out[table] = (
                sorted(i["name"] for i in insp.get_indexes(table)),
                sorted(fk["name"] for fk in insp.get_foreign_keys(table)),
                sorted(str(c["name"]) for c in insp.get_check_constraints(table)),
            )
        return out


def test_big_seed_rebuilds_indexes_and_constraints(empty_engine):
    from services.seed import _REBUILD_INDEXES_FROM

    before = _schema_objects(empty_engine)
    counts = seed_demo(empty_engine, contacts=_REBUILD_INDEXES_FROM, seed=3)
    assert counts["contact"] == _REBUILD_INDEXES_FROM
    assert _schema_objects(empty_engine) == before
    with empty_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        bad = conn.execute(text("SELECT COUNT(*) FROM contact WHERE status NOT IN ('contact','active','member')"))
        assert bad.scalar_one() == 0

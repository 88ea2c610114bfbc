"""The fast batch query (migration 0006 indexes) selects exactly the eligible contacts, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from db.models import Consent, Contact, Plz
from db.queries.contacts.consent import active_consent_filter
from db.queries.newspaper import BatchFilter, batch_count, batch_select
from services.core.scope import Scope

TEAM = Scope(role="team", user_id=None, username="team")
REACH = 15.0


def spec_consent_filter(purpose: str, channel: str | None, contact=Contact):
    """DESIGN §2 read literally: a record for (contact, purpose, channel) not withdrawn and with no newer one."""
    c = aliased(Consent)
    later = aliased(Consent)
    channel_match = c.channel.is_(None) if channel is None else c.channel == channel
    later_channel = later.channel.is_(None) if channel is None else later.channel == channel
    newer = exists(
        select(later.id).where(
            later.contact_id == c.contact_id,
            later.purpose == purpose,
            later_channel,
            or_(later.granted_at > c.granted_at, and_(later.granted_at == c.granted_at, later.id > c.id)),
        )
    )
    return exists(
        select(c.id).where(
            c.contact_id == contact.id, c.purpose == purpose, channel_match, c.withdrawn_at.is_(None), ~newer
        )
    )


def _latest_active_in_python(session) -> set[int]:
    # Brute force: the latest newspaper/post record (granted_at, then id) decides.
    latest: dict[int, tuple] = {}
    for cid, gat, rid, wd in session.execute(
        select(Consent.contact_id, Consent.granted_at, Consent.id, Consent.withdrawn_at).where(
            Consent.purpose == "newspaper", Consent.channel == "post"
        )
    ):
        key = (gat.replace(tzinfo=None) if gat.tzinfo else gat, rid)
        if cid not in latest or key > latest[cid][0]:
            latest[cid] = (key, wd is None)
    return {cid for cid, (_, active) in latest.items() if active}


def _far_with_address(session) -> set[int]:
    return set(
        session.scalars(
            select(Contact.id)
            .join(Plz, Plz.plz == Contact.plz)
            .where(
                (Plz.nearest_office_km.is_(None)) | (Plz.nearest_office_km > REACH),
                Contact.street != "",
                Contact.city != "",
            )
        )
    )


def _mix_consents(session) -> None:
    """Withdrawals, re-grants, same-second ties and an emptied address among the far contacts."""
    far = sorted(_far_with_address(session))[:40]
    t = datetime(2031, 1, 1, tzinfo=UTC)
    for i, cid in enumerate(far):
        if i % 4 == 0:  # withdrawn latest
            session.add(
                Consent(
                    contact_id=cid,
                    purpose="newspaper",
                    channel="post",
                    granted_at=t,
                    withdrawn_at=t + timedelta(days=1),
                )
            )
        elif i % 4 == 1:  # withdrawn, then granted again
            session.add(
                Consent(
                    contact_id=cid,
                    purpose="newspaper",
                    channel="post",
                    granted_at=t,
                    withdrawn_at=t + timedelta(days=1),
                )
            )
            session.add(Consent(contact_id=cid, purpose="newspaper", channel="post", granted_at=t + timedelta(days=2)))
        elif i % 4 == 2:  # same granted_at: the higher id (the withdrawn one) decides
            session.add(Consent(contact_id=cid, purpose="newspaper", channel="post", granted_at=t))
            session.flush()
            session.add(
                Consent(
                    contact_id=cid,
                    purpose="newspaper",
                    channel="post",
                    granted_at=t,
                    withdrawn_at=t + timedelta(hours=1),
                )
            )
        else:  # no complete address: never in a batch
            session.get(Contact, cid).street = ""
    session.flush()


def test_batch_equals_brute_force(session):
    _mix_consents(session)
    got = set(session.scalars(batch_select(TEAM, -1, BatchFilter(reach_km=REACH), Contact.id)))
    expected = _far_with_address(session) & _latest_active_in_python(session)
    assert got == expected
    assert batch_count(session, TEAM, -1, BatchFilter(reach_km=REACH)) == len(expected)
    # And the consent filter itself agrees with the brute force on every contact.
    via_filter = set(session.scalars(select(Contact.id).where(active_consent_filter("newspaper", "post"))))
    assert via_filter == _latest_active_in_python(session)


def test_fast_consent_filter_equals_the_reference(session):
    _mix_consents(session)
    # Also a purpose without channel, and a contact whose only record is withdrawn and re-granted twice.
    cid = session.scalar(select(Contact.id).order_by(Contact.id.desc()).limit(1))
    t = datetime(2032, 1, 1, tzinfo=UTC)
    for k in range(3):
        session.add(
            Consent(
                contact_id=cid,
                purpose="volunteering",
                channel=None,
                granted_at=t + timedelta(days=k),
                withdrawn_at=(t + timedelta(days=k, hours=1)) if k != 1 else None,
            )
        )
    session.flush()
    for purpose, channel in [
        ("newspaper", "post"),
        ("newspaper", "email"),
        ("volunteering", None),
        ("call_to_action", "sms"),
    ]:
        ref = set(session.scalars(select(Contact.id).where(spec_consent_filter(purpose, channel))))
        fast = set(session.scalars(select(Contact.id).where(active_consent_filter(purpose, channel))))
        assert fast == ref, (purpose, channel, len(ref ^ fast))
    assert cid not in set(
        session.scalars(select(Contact.id).where(active_consent_filter("volunteering", None)))
    )  # latest of the three is withdrawn


def test_sqlite_plan_reads_indexes_only(session):
    if session.bind.dialect.name != "sqlite":
        return  # PostgreSQL chooses hash joins by its statistics; the SQLite plan is the one to pin
    stmt = batch_select(TEAM, -1, BatchFilter(reach_km=REACH), func.count())
    compiled = stmt.compile(dialect=session.bind.dialect)
    args = [compiled.params[k] for k in compiled.positiontup]
    raw = session.connection().connection.dbapi_connection
    plan = " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + str(compiled), args))
    # (Whether contacts are walked per white-spot PLZ depends on the size: at 1M it is
    # ix_contact_plz_address, see bench/bench_newspaper.py; here a scan is cheaper.)
    assert "consent_active USING PRIMARY KEY" in plan or "consent_active USING COVERING INDEX" in plan, plan
    assert "ix_consent_pc_latest" not in plan, plan  # the ledger is not read to select a batch


def test_batch_per_land_adds_up_to_the_brute_force_by_contact_land(session):
    from collections import Counter

    from db.models import Land
    from db.queries.newspaper import batch_by_land

    _mix_consents(session)
    expected_ids = _far_with_address(session) & _latest_active_in_python(session)
    names = dict(session.execute(select(Land.code, Land.name)).all())
    lands = dict(session.execute(select(Contact.id, Contact.land_code).where(Contact.id.in_(expected_ids))).all())
    expected = Counter(names[lands[i]] for i in expected_ids)
    got = batch_by_land(session, TEAM, -1, BatchFilter(reach_km=REACH))
    assert dict(zip(got["Land"], got["Personen"])) == dict(expected)
    assert list(got["Personen"]) == sorted(got["Personen"], reverse=True)  # largest first

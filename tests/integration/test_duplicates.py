"""Duplicate review on SQLite and PostgreSQL: a merge keeps every trace of both people; scope and decisions hold."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    AuditEvent,
    CallDelivery,
    Consent,
    Contact,
    ContactTopic,
    DispatchOrder,
    DuplicateCandidate,
    VolunteerOffer,
)
from domain.errors import ConflictError, PermissionDenied
from services.contacts import duplicates
from tests.support.scopes import ADMIN, kv_of, user_scope

TRACES = {"consents": Consent, "activities": Activity, "offers": VolunteerOffer}


def _traces(session, cid: int) -> dict:
    out = {k: {r.id for r in session.scalars(select(m).where(m.contact_id == cid))} for k, m in TRACES.items()}
    out["topics"] = set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == cid)))
    out["calls"] = {
        (d.call_id, d.response) for d in session.scalars(select(CallDelivery).where(CallDelivery.contact_id == cid))
    }
    out["orders"] = {o.id for o in session.scalars(select(DispatchOrder).where(DispatchOrder.contact_id == cid))}
    return out


def _pair(session, a: int, b: int, kv_id: int) -> int:
    a, b = min(a, b), max(a, b)
    cand = DuplicateCandidate(contact_a=a, contact_b=b, kv_id=kv_id, land_code="14", score=0.9, agreeing=["plz"])
    session.add(cand)
    session.flush()
    return cand.id


def _kv_contacts(session, ags: str) -> list[int]:
    return list(session.scalars(select(Contact.id).where(Contact.kv_id == kv_of(session, ags)).order_by(Contact.id)))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_merge_keeps_every_trace_of_both(session, data):
    """Property: for any two people of a KV, the survivor holds the union of both people's traces."""
    ids = _kv_contacts(session, "14713")
    a, b = sorted(data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)))
    # Each example in its own savepoint on the test's connection: the merge commits inside it.
    conn = session.connection()
    outer = conn.begin_nested()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        before_a, before_b = _traces(session, a), _traces(session, b)
        cand = _pair(session, a, b, kv_of(session, "14713"))
        survivor = duplicates.merge(session, ADMIN, cand, {"email": "b"})
        after = _traces(session, survivor)
        assert survivor == a and session.get(Contact, b) is None
        for key in ("consents", "activities", "offers", "topics", "orders"):
            assert before_a[key] | before_b[key] <= after[key], key
        assert {c for c, _ in before_a["calls"] | before_b["calls"]} == {c for c, _ in after["calls"]}
        answered = {c for c, r in before_a["calls"] | before_b["calls"] if r}
        assert answered <= {c for c, r in after["calls"] if r}
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contacts_merged").order_by(AuditEvent.id.desc())
        ).first()
        assert event.object_id == str(a) and event.details["merged_id"] == b
    finally:
        session.close()
        outer.rollback()


def test_values_not_chosen_stay_in_the_timeline(session):
    a, b = _kv_contacts(session, "14713")[:2]
    ca, cb = session.get(Contact, a), session.get(Contact, b)
    ca.street, cb.street = "Alte Straße 1", "Neue Straße 2"
    session.flush()
    survivor = duplicates.merge(session, ADMIN, _pair(session, a, b, ca.kv_id), {"street": "b"})
    kept = session.get(Contact, survivor)
    assert kept.street == "Neue Straße 2"
    note = session.scalars(select(Activity.note).where(Activity.contact_id == survivor, Activity.kind == "merge")).one()
    assert "Straße: Alte Straße 1" in note and f"Nr. {b}" in note


def test_kreis_cannot_merge_or_see_pairs_of_another_kv(session):
    leipzig, goerlitz = _kv_contacts(session, "14713"), _kv_contacts(session, "14626")
    cand = _pair(session, goerlitz[0], goerlitz[1], kv_of(session, "14626"))
    mixed = _pair(session, leipzig[0], goerlitz[2], kv_of(session, "14626"))
    kv_leipzig = user_scope(session, "kv-leipzig")
    assert all(p.id not in (cand, mixed) for p in duplicates.review_queue(session, kv_leipzig, 500))
    with pytest.raises(ConflictError):
        duplicates.merge(session, kv_leipzig, cand)
    with pytest.raises(ConflictError):
        duplicates.keep_apart(session, kv_leipzig, [mixed])
    assert session.get(Contact, goerlitz[1]) is not None
    with pytest.raises(PermissionDenied):
        duplicates.review_queue(session, user_scope(session, "leitung"))


def test_kept_apart_is_never_filed_again(session):
    a, b, c = _kv_contacts(session, "14713")[:3]
    kv = kv_of(session, "14713")
    duplicates.keep_apart(session, ADMIN, [_pair(session, a, b, kv)])
    places = dict.fromkeys((a, b, c), (kv, "14"))
    assert duplicates.file_pairs(session, [(b, a, 0.99, ("plz",)), (a, c, 0.8, ())], places, "scan") == 1
    statuses = dict(
        session.execute(
            select(DuplicateCandidate.contact_b, DuplicateCandidate.status).where(DuplicateCandidate.contact_a == a)
        ).all()
    )
    assert statuses == {b: "kept_apart", c: "open"}


def test_merge_many_is_all_or_nothing(session):
    a, b, c = _kv_contacts(session, "14713")[:3]
    kv = kv_of(session, "14713")
    first, second = _pair(session, a, b, kv), _pair(session, b, c, kv)
    count = session.scalar(select(func.count()).select_from(Contact))
    with pytest.raises(ConflictError, match="mehreren"):
        duplicates.merge_many(session, ADMIN, [first, second])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contact)) == count


def test_both_reached_by_one_call_and_both_ordered_one_edition(session):
    """The unique rules hold after a merge: one delivery per call (the answer kept), one open order per edition."""
    from datetime import date

    from db.models import CallToAction, NewspaperEdition

    a, b = _kv_contacts(session, "14713")[:2]
    kv = kv_of(session, "14713")
    call = CallToAction(title="Test", region_level="kv", kv_id=kv)
    ed = NewspaperEdition(title="Testausgabe", edition_date=date(2026, 1, 1), copies_in_stock=100)
    session.add_all([call, ed])
    session.flush()
    session.add_all(
        [CallDelivery(call_id=call.id, contact_id=a), CallDelivery(call_id=call.id, contact_id=b, response="accepted")]
    )
    orders = [
        DispatchOrder(
            edition_id=ed.id,
            contact_id=c,
            copies=1,
            ship_name="x",
            ship_street="y",
            ship_plz="04109",
            ship_city="Leipzig",
            kv_id=kv,
            land_code="14",
        )
        for c in (a, b)
    ]
    session.add_all(orders)
    session.flush()
    survivor = duplicates.merge(session, ADMIN, _pair(session, a, b, kv))
    deliveries = session.scalars(select(CallDelivery).where(CallDelivery.call_id == call.id)).all()
    assert [(d.contact_id, d.response) for d in deliveries] == [(survivor, "accepted")]
    statuses = sorted(
        (o.contact_id, o.status)
        for o in session.scalars(select(DispatchOrder).where(DispatchOrder.edition_id == ed.id))
    )
    assert statuses == [(survivor, "cancelled"), (survivor, "requested")]


def _twins(session, ags: str) -> tuple[int, int]:
    """Two near-identical new people in the KV of Kreis ags: 'Müller' and 'Mueller', same PLZ and street."""
    from datetime import date

    place = session.scalars(select(Contact).where(Contact.kreis_ags == ags).order_by(Contact.id)).first()
    twins = [
        Contact(
            first_name="Hildegard",
            last_name=last,
            street="Karl-Liebknecht-Straße 112",
            plz=place.plz,
            city=place.city,
            kreis_ags=place.kreis_ags,
            kv_id=place.kv_id,
            land_code=place.land_code,
            contact_since=date(2026, 3, 1),
            source="infostand",
            birth_year=1961,
        )
        for last in ("Müller", "Mueller")
    ]
    session.add_all(twins)
    session.flush()
    return twins[0].id, twins[1].id


def test_scan_files_a_likely_pair_once(session):
    a, b = _twins(session, "14713")
    kv_leipzig = user_scope(session, "kv-leipzig")
    assert duplicates.scan_area(session, kv_leipzig) >= 1
    filed = session.scalars(
        select(DuplicateCandidate).where(DuplicateCandidate.contact_a == a, DuplicateCandidate.contact_b == b)
    ).all()
    assert [(c.status, c.origin, c.kv_id) for c in filed] == [("open", "scan", kv_of(session, "14713"))]
    assert any(p.id == filed[0].id for p in duplicates.review_queue(session, kv_leipzig, 500))
    assert duplicates.scan_area(session, kv_leipzig) == 0
    # The Land's scan over all its KVs files nothing new either.
    assert duplicates.scan_area(session, user_scope(session, "lv-sachsen")) == 0
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "duplicates_scanned").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["filed"] == 0


def test_scan_stays_in_the_users_area(session):
    lv_sachsen = user_scope(session, "lv-sachsen")
    other_kv = session.scalar(select(Contact.kv_id).where(Contact.land_code != "14").order_by(Contact.id))
    with pytest.raises(PermissionDenied):
        duplicates.scan_area(session, lv_sachsen, kv_id=other_kv)
    # A kreis user scans its own KV, whatever it asks for.
    a, b = _twins(session, "14713")
    duplicates.scan_area(session, user_scope(session, "kv-leipzig"), kv_id=other_kv, land_code="11")
    assert (
        session.scalar(
            select(func.count())
            .select_from(DuplicateCandidate)
            .where(DuplicateCandidate.contact_a == a, DuplicateCandidate.contact_b == b)
        )
        == 1
    )
    leitung = user_scope(session, "leitung")
    with pytest.raises(PermissionDenied):
        duplicates.scan_area(session, leitung, land_code="14")
    with pytest.raises(PermissionDenied):
        duplicates.scan_choices(session, leitung)


def test_scan_choices_follow_the_area(session):
    kreis = duplicates.scan_choices(session, user_scope(session, "kv-leipzig"))
    assert not kreis.whole_land and list(kreis.lands) == ["14"]
    assert list(kreis.kvs["14"]) == [kv_of(session, "14713")]
    land = duplicates.scan_choices(session, user_scope(session, "lv-sachsen"))
    assert land.whole_land and list(land.lands) == ["14"] and kv_of(session, "14626") in land.kvs["14"]
    everywhere = duplicates.scan_choices(session, ADMIN)
    assert everywhere.whole_land and len(everywhere.lands) == 16
    assert sum(len(k) for k in everywhere.kvs.values()) > len(land.kvs["14"])

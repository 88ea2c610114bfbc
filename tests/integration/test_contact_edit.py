"""Capturing and caring for contacts on SQLite and PostgreSQL: scope, PLZ, duplicates, ladder, consents, audit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import Activity, AuditEvent, Consent, Contact, ContactTopic
from db.queries.contacts.consent import active_consent_filter
from db.queries.map.counts import contact_version
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from services.contacts.care import add_activity, grant_consent, step_status, withdraw_consent
from services.contacts.edit import create_contact, set_topics, update_master
from services.contacts.rules import ConsentInput, ContactInput, today_berlin
from tests.support.scopes import ADMIN, kv_of, user_scope

LEIPZIG_PLZ, GOERLITZ_PLZ, DRESDEN_PLZ, BERLIN_PLZ = "04109", "02826", "01067", "10115"
EVIDENCE = "Unterschrift auf Infostand-Liste vom 03.05.2025"


def _input(**kw) -> ContactInput:
    base = dict(
        first_name="Rosa",
        last_name="Testfrau",
        email="rosa.testfrau@example.org",
        phone="0341 123456",
        street="Karl-Liebknecht-Str. 1",
        plz=LEIPZIG_PLZ,
        source="infostand",
        topics=("miete", "pflege"),
        consents=(
            ConsentInput("information", "email", "infostand", EVIDENCE),
            ConsentInput("volunteering", None, "infostand", EVIDENCE),
        ),
    )
    base.update(kw)
    return ContactInput(**base)


def _counts(session) -> tuple:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Contact, Consent, Activity, AuditEvent))


def _events(session, contact_id) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "contact", AuditEvent.object_id == str(contact_id))
            .order_by(AuditEvent.id)
        )
    )


def _active(session, contact_id, purpose, channel) -> bool:
    stmt = select(Contact.id).where(Contact.id == contact_id, active_consent_filter(purpose, channel))
    return session.scalar(stmt) is not None


def test_kreis_creates_in_its_kv_with_derived_place(session):
    scope = user_scope(session, "kv-leipzig")
    created = create_contact(session, scope, _input())
    c = session.get(Contact, created.id)
    assert (c.kreis_ags, c.kv_id, c.land_code, c.city) == ("14713", kv_of(session, "14713"), "14", "Leipzig")
    assert c.status == "contact" and c.contact_since == today_berlin() and c.active_since is None
    assert set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == c.id))) == {
        "miete",
        "pflege",
    }
    assert _active(session, c.id, "information", "email") and _active(session, c.id, "volunteering", None)
    assert not _active(session, c.id, "newspaper", "post")
    kinds = list(session.scalars(select(Activity.kind).where(Activity.contact_id == c.id)))
    assert kinds == ["created"]
    [event] = _events(session, c.id)
    assert event.action == "contact_created" and event.username == "kv-leipzig"


def test_out_of_area_plz_is_refused_and_nothing_written(session):
    before = _counts(session)
    with pytest.raises(PermissionDenied, match="(?s)nicht in deinem Gebiet.*Kreisverband"):
        create_contact(session, user_scope(session, "kv-leipzig"), _input(plz=GOERLITZ_PLZ))
    with pytest.raises(PermissionDenied, match="zum Land Berlin"):
        create_contact(session, user_scope(session, "lv-sachsen"), _input(plz=BERLIN_PLZ))
    assert _counts(session) == before
    # A land user may capture anywhere in its Land, team anywhere.
    assert create_contact(
        session, user_scope(session, "lv-sachsen"), _input(plz=GOERLITZ_PLZ, email="", consents=())
    ).id
    assert create_contact(session, user_scope(session, "team"), _input(plz=BERLIN_PLZ, email="", consents=())).id


@pytest.mark.parametrize(
    "plz, message", [("99999", "kennen wir nicht"), ("4109", "fünf Ziffern"), ("", "fünf Ziffern")]
)
def test_unknown_or_malformed_plz(session, plz, message):
    before = _counts(session)
    with pytest.raises(ValidationError, match=message):
        create_contact(session, user_scope(session, "kv-leipzig"), _input(plz=plz))
    assert _counts(session) == before


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(email="kein-at-zeichen.de"), "E-Mail-Adresse"),
        (dict(first_name="  "), "Vornamen"),
        (dict(phone="ruf mich an"), "Telefonnummer"),
        (dict(source="fax"), "Quelle"),
        (dict(topics=("golf",)), "Thema"),
        (dict(consents=(ConsentInput("information", None, "infostand", EVIDENCE),)), "Kanal"),
        (dict(consents=(ConsentInput("information", "email", "infostand", " "),)), "Nachweis"),
        (dict(status="boss"), "Status"),
    ],
)
def test_bad_input_changes_nothing(session, kw, message):
    before = _counts(session)
    with pytest.raises(ValidationError, match=message):
        create_contact(session, user_scope(session, "kv-leipzig"), _input(**kw))
    assert _counts(session) == before


def test_duplicate_email_in_scope_refused_case_insensitive(session):
    scope = user_scope(session, "kv-leipzig")
    create_contact(session, scope, _input())
    before = _counts(session)
    with pytest.raises(ConflictError, match="Suche oben"):
        create_contact(session, scope, _input(email="ROSA.Testfrau@Example.org"))
    assert _counts(session) == before
    # Outside the Leipzig scope the person is invisible: Görlitz may capture its own record, without a hint.
    other = create_contact(session, user_scope(session, "kv-goerlitz"), _input(plz=GOERLITZ_PLZ))
    assert other.id


def test_edit_address_rederives_place_and_audits_field_names(session):
    scope = user_scope(session, "lv-sachsen")
    cid = create_contact(session, scope, _input()).id
    version = contact_version(session)
    old_updated = session.get(Contact, cid).updated_at
    changed = update_master(session, scope, cid, _input(plz=DRESDEN_PLZ, street="Neue Str. 5", city="Leipzig"))
    c = session.get(Contact, cid)
    assert set(changed) == {"plz", "street", "city"}
    assert (c.kreis_ags, c.kv_id, c.city) == ("14612", kv_of(session, "14612"), "Dresden")
    assert c.updated_at > old_updated and contact_version(session) != version
    event = _events(session, cid)[-1]
    assert event.action == "contact_updated" and event.details["kv_to"] == kv_of(session, "14612")
    assert update_master(session, scope, cid, _input(plz=DRESDEN_PLZ, street="Neue Str. 5", city="Dresden")) == []


def test_edit_out_of_scope_and_moves_out_of_area(session):
    leipzig = user_scope(session, "kv-leipzig")
    goerlitz_contact = session.scalar(select(Contact.id).where(Contact.kv_id == kv_of(session, "14626")))
    with pytest.raises(NotFoundError):
        update_master(session, leipzig, goerlitz_contact, _input())
    with pytest.raises(NotFoundError):
        add_activity(session, leipzig, goerlitz_contact, "note", today_berlin(), "Hallo")
    cid = create_contact(session, leipzig, _input()).id
    before = _counts(session)
    with pytest.raises(PermissionDenied, match="Übergabe"):
        update_master(session, leipzig, cid, _input(plz=GOERLITZ_PLZ))
    with pytest.raises(ValidationError, match="kennen wir nicht"):
        update_master(session, leipzig, cid, _input(plz="99999"))
    assert _counts(session) == before and session.get(Contact, cid).plz == LEIPZIG_PLZ
    with pytest.raises(PermissionDenied):
        update_master(session, user_scope(session, "leitung"), cid, _input())


def test_duplicate_email_on_edit(session):
    scope = user_scope(session, "kv-leipzig")
    create_contact(session, scope, _input())
    cid = create_contact(session, scope, _input(email="karl@example.org", first_name="Karl")).id
    with pytest.raises(ConflictError):
        update_master(session, scope, cid, _input(email="Rosa.Testfrau@example.org", first_name="Karl"))
    # Changing only the case of the own address is no duplicate.
    assert update_master(session, scope, cid, _input(email="Karl@example.org", first_name="Karl")) == ["email"]


def test_status_ladder_dates_and_step_back(session):
    kreis = user_scope(session, "kv-leipzig")
    cid = create_contact(session, kreis, _input(), since=today_berlin() - timedelta(days=30)).id
    day = today_berlin() - timedelta(days=10)
    with pytest.raises(ValidationError, match="vor dem"):
        step_status(session, kreis, cid, "active", today_berlin() - timedelta(days=40))
    with pytest.raises(ValidationError, match="Zukunft"):
        step_status(session, kreis, cid, "active", today_berlin() + timedelta(days=1))
    step_status(session, kreis, cid, "member", day)
    c = session.get(Contact, cid)
    assert (c.status, c.active_since, c.member_since) == ("member", day, day)
    with pytest.raises(ConflictError):
        step_status(session, kreis, cid, "member", day)
    with pytest.raises(PermissionDenied, match="zurücksetzen"):
        step_status(session, kreis, cid, "contact")
    step_status(session, user_scope(session, "team"), cid, "active")
    c = session.get(Contact, cid)
    assert (c.status, c.active_since, c.member_since) == ("active", day, None)
    actions = [e.action for e in _events(session, cid)]
    assert actions.count("contact_status_changed") == 2
    assert (
        session.scalar(
            select(func.count())
            .select_from(Activity)
            .where(Activity.contact_id == cid, Activity.kind == "status_change")
        )
        == 2
    )


def test_consent_grant_and_withdraw_flip_active_filter(session):
    scope = user_scope(session, "kv-leipzig")
    cid = create_contact(session, scope, _input(consents=())).id
    assert not _active(session, cid, "newspaper", "post")
    grant_consent(session, scope, cid, ConsentInput("newspaper", "post", "haustuer", EVIDENCE))
    assert _active(session, cid, "newspaper", "post")
    with pytest.raises(ConflictError, match="schon aktiv"):
        grant_consent(session, scope, cid, ConsentInput("newspaper", "post", "haustuer", EVIDENCE))
    updated = session.get(Contact, cid).updated_at
    withdraw_consent(session, scope, cid, "newspaper", "post")
    assert not _active(session, cid, "newspaper", "post")
    assert session.get(Contact, cid).updated_at >= updated
    with pytest.raises(ConflictError, match="keine aktive"):
        withdraw_consent(session, scope, cid, "newspaper", "post")
    grant_consent(session, scope, cid, ConsentInput("newspaper", "post", "webformular", "Double-Opt-In bestätigt"))
    assert _active(session, cid, "newspaper", "post")
    assert session.scalar(select(func.count()).select_from(Consent).where(Consent.contact_id == cid)) == 2


def test_activity_and_topics(session):
    scope = user_scope(session, "kv-leipzig")
    cid = create_contact(session, scope, _input()).id
    with pytest.raises(ValidationError):
        add_activity(session, scope, cid, "created", today_berlin(), "x")
    with pytest.raises(ValidationError, match="Text"):
        add_activity(session, scope, cid, "note", today_berlin(), "  ")
    add_activity(session, scope, cid, "call", today_berlin() - timedelta(days=2), "Will beim Infostand helfen")
    assert session.scalar(select(Activity.note).where(Activity.contact_id == cid, Activity.kind == "call"))
    assert set_topics(session, scope, cid, ["miete", "klima"]) == (1, 1)
    assert set_topics(session, scope, cid, ["klima", "miete"]) == (0, 0)
    assert set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == cid))) == {"miete", "klima"}


def test_audit_details_hold_no_personal_values_and_updated_at_moves(session):
    scope = user_scope(session, "kv-leipzig")
    cid = create_contact(session, scope, _input()).id
    stamps = [session.get(Contact, cid).updated_at]
    for act in (
        lambda: update_master(session, scope, cid, _input(phone="0341 999")),
        lambda: step_status(session, scope, cid, "active"),
        lambda: add_activity(session, scope, cid, "note", today_berlin(), "Geheime Notiz"),
        lambda: grant_consent(session, scope, cid, ConsentInput("newspaper", "post", "infostand", EVIDENCE)),
        lambda: withdraw_consent(session, scope, cid, "newspaper", "post"),
        lambda: set_topics(session, scope, cid, ["frieden"]),
    ):
        act()
        stamps.append(session.get(Contact, cid).updated_at)
    assert all(b >= a for a, b in zip(stamps, stamps[1:])) and stamps[-1] > stamps[0]
    events = _events(session, cid)
    assert [e.action for e in events] == [
        "contact_created",
        "contact_updated",
        "contact_status_changed",
        "contact_activity_added",
        "consent_granted",
        "consent_withdrawn",
        "contact_topics_changed",
    ]
    blob = json.dumps([e.details for e in events], ensure_ascii=False)
    for personal in (
        "Rosa",
        "Testfrau",
        "rosa.testfrau",
        "0341",
        "Liebknecht",
        LEIPZIG_PLZ,
        "Geheime",
        "Unterschrift",
        "miete",
        "frieden",
    ):
        assert personal not in blob


def test_admin_sees_global_duplicates(session):
    create_contact(session, user_scope(session, "kv-goerlitz"), _input(plz=GOERLITZ_PLZ))
    with pytest.raises(ConflictError):
        create_contact(session, ADMIN, _input(plz=BERLIN_PLZ))

"""The import on SQLite and PostgreSQL: preview writes nothing, routing by PLZ, exact and likely duplicates,
all-or-nothing, rollback of a batch, and scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.models import (
    AuditEvent,
    Consent,
    Contact,
    ContactTopic,
    DuplicateCandidate,
    ImportBatch,
)
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.contacts.edit import touch
from services.intake import importer
from services.intake.importer import ListInfo
from tests.support.scopes import ADMIN, kv_of, user_scope

MAPPING = {
    "Vorname": "first_name",
    "Nachname": "last_name",
    "E-Mail": "email",
    "Telefon": "phone",
    "Straße": "street",
    "PLZ": "plz",
    "Ort": "city",
    "Themen": "topics",
}
INFO = ListInfo(
    file_name="infostand.csv",
    source="infostand",
    source_date=date(2026, 11, 20),
    place="Markt Leipzig",
    evidence="Unterschrift auf der Infostand-Liste",
    consents=(("information", "email"),),
)


def _csv(rows: list[str]) -> bytes:
    return ("Vorname;Nachname;E-Mail;Telefon;Straße;PLZ;Ort;Themen\n" + "\n".join(rows) + "\n").encode("cp1252")


def _existing(session) -> Contact:
    kv = kv_of(session, "14713")
    return session.scalars(
        select(Contact).where(Contact.kv_id == kv, Contact.email != "", Contact.street != "").order_by(Contact.id)
    ).first()


def _file(session) -> bytes:
    known = _existing(session)
    return _csv(
        [
            "Jörg;Neumann-Test;joerg.neu@example.org;0341 9999001;Karl-Heine-Str. 3;04229;Leipzig;Miete, Pflege",
            f"{known.first_name};{known.last_name};{known.email.upper()};;;{known.plz};;Frieden",
            f"{known.first_name};{known.last_name}x;;;{known.street};{known.plz};{known.city};",
            "Anna;Kaputt;anna,spy@evil.org;;;04109;Leipzig;",
            "Görli;Tzer;goerli@example.org;;;02826;Görlitz;Verkehr",
            "Jörg;Neumann-Test;JOERG.NEU@example.org;;;04229;Leipzig;Verkehr",
        ]
    )


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_preview_sorts_rows_and_writes_nothing(session):
    kv_leipzig = user_scope(session, "kv-leipzig")
    before = [_count(session, m) for m in (Contact, Consent, ImportBatch, DuplicateCandidate)]
    plan = importer.plan_import(session, kv_leipzig, _file(session), MAPPING, INFO)
    counts = plan.counts()
    assert (counts["created"], counts["merged"], counts["rejected"], counts["folded"]) == (3, 1, 1, 1)
    assert counts["review"] == 1 and counts["outside_area"] == 1
    assert set(counts["per_kv"]) == {"KV Leipzig", "KV Görlitz"} or len(counts["per_kv"]) == 2
    assert "E-Mail" in " ".join(plan.rejected[0].reasons)
    assert [_count(session, m) for m in (Contact, Consent, ImportBatch, DuplicateCandidate)] == before


def test_import_routes_merges_files_review_and_rolls_back(session):
    kv_leipzig = user_scope(session, "kv-leipzig")
    known = _existing(session)
    people = _count(session, Contact)
    result = importer.run_import(session, kv_leipzig, _file(session), MAPPING, INFO)
    assert result["created"] == 3 and result["merged"] == 1 and result["review"] == 1
    assert _count(session, Contact) == people + 3
    joerg = session.scalars(select(Contact).where(Contact.email_key == "joerg.neu@example.org")).one()
    assert joerg.kv_id == kv_leipzig.kv_id and joerg.phone_key == "+493419999001"
    topics = set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == joerg.id)))
    assert topics == {"miete", "pflege", "verkehr"}  # two rows of one person: one person, topics joined
    goerli = session.scalars(select(Contact).where(Contact.email_key == "goerli@example.org")).one()
    assert goerli.kv_id == kv_of(session, "14626")  # created in its own KV
    assert "frieden" in set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == known.id)))
    consent = session.scalars(select(Consent).where(Consent.contact_id == joerg.id)).one()
    assert (consent.purpose, consent.channel) == ("information", "email")
    assert "Infostand-Liste" in consent.evidence
    pair = session.scalars(select(DuplicateCandidate).where(DuplicateCandidate.import_batch_id == result["batch_id"]))
    assert [p.contact_a for p in pair] == [known.id]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contacts_imported").order_by(AuditEvent.id.desc())
    ).first()
    assert event.object_id == str(result["batch_id"]) and event.details["created"] == 3

    removed = importer.rollback_batch(session, kv_leipzig, result["batch_id"])
    assert removed["people"] == 3 and removed["topics"] == 5  # 4 of the new people, 1 added to a known one
    assert _count(session, Contact) == people
    assert "frieden" not in set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == known.id)))
    with pytest.raises(ConflictError):
        importer.rollback_batch(session, kv_leipzig, result["batch_id"])


def test_rollback_refused_once_a_person_was_changed_and_outside_the_area(session):
    result = importer.run_import(session, ADMIN, _file(session), MAPPING, INFO)
    with pytest.raises(NotFoundError):
        importer.rollback_batch(session, user_scope(session, "kv-leipzig"), result["batch_id"])
    joerg = session.scalars(select(Contact).where(Contact.email_key == "joerg.neu@example.org")).one()
    joerg.street = "Andere Straße 1"
    touch(joerg)
    joerg.updated_at += timedelta(seconds=1)
    session.commit()
    with pytest.raises(ConflictError, match="geändert"):
        importer.rollback_batch(session, ADMIN, result["batch_id"])


def test_a_changed_database_since_the_preview_writes_nothing(session):
    scope = user_scope(session, "team")
    counts = importer.plan_import(session, scope, _file(session), MAPPING, INFO).counts()
    stale = {**counts, "created": counts["created"] + 1}
    people = _count(session, Contact)
    with pytest.raises(ConflictError, match="Vorschau"):
        importer.run_import(session, scope, _file(session), MAPPING, INFO, expected=stale)
    session.rollback()
    assert _count(session, Contact) == people


def test_a_file_without_importable_people_is_refused(session):
    with pytest.raises(ValidationError):
        importer.run_import(session, ADMIN, _csv(["Anna;Kaputt;kein-mail;;;99999;;"]), MAPPING, INFO)
    with pytest.raises(ValidationError):
        importer.run_import(
            session,
            ADMIN,
            b"\x89PNG\r\n\x1a\n" + bytes(200),
            MAPPING,
            ListInfo(file_name="bild.csv", source="infostand"),
        )


def test_a_file_above_the_size_setting_is_refused(session, monkeypatch):
    from dataclasses import replace

    from services.core.settings import get_settings
    from services.intake import upload

    monkeypatch.setattr(upload, "get_settings", lambda: replace(get_settings(), import_max_mb=0.0001))
    with pytest.raises(ValidationError, match="MB"):
        importer.plan_import(session, ADMIN, _file(session), MAPPING, INFO)
    with pytest.raises(ValidationError, match="MB"):
        upload.inspect_file(session, ADMIN, _file(session), "gross.csv")


def test_script_emoji_and_right_to_left_names_are_stored_as_text(session):
    rows = [
        "<script>alert(1)</script>;Rosen 🌹;rosen.rtl@example.org;;;04109;Leipzig;",
        "سارا;حسینی;sara.rtl@example.org;;;04109;;",
    ]
    data = ("Vorname;Nachname;E-Mail;Telefon;Straße;PLZ;Ort;Themen\n" + "\n".join(rows) + "\n").encode("utf-8")
    result = importer.run_import(session, ADMIN, data, MAPPING, INFO)
    assert result["created"] == 2
    stored = dict(
        session.execute(
            select(Contact.email_key, Contact.first_name + " " + Contact.last_name).where(
                Contact.import_batch_id == result["batch_id"]
            )
        )
        .tuples()
        .all()
    )
    assert stored == {
        "rosen.rtl@example.org": "<script>alert(1)</script> Rosen 🌹",
        "sara.rtl@example.org": "سارا حسینی",
    }


def test_an_unconfirmed_batch_marks_the_people_it_creates_not_those_it_adds_to(session):
    known = _existing(session)
    before = known.unconfirmed_since
    info = replace(INFO, unconfirmed=True)
    result = importer.run_import(session, ADMIN, _file(session), MAPPING, info)
    created = session.scalars(select(Contact).where(Contact.import_batch_id == result["batch_id"])).all()
    assert len(created) == result["created"] == 3
    assert all(c.unconfirmed_since is not None for c in created)
    session.refresh(known)
    assert known.unconfirmed_since == before  # merged into: stays as it was
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "contacts_imported")).all()[-1]
    assert event.details["unconfirmed"] is True


def test_a_plain_batch_leaves_created_people_confirmed(session):
    result = importer.run_import(session, ADMIN, _file(session), MAPPING, INFO)
    created = session.scalars(select(Contact).where(Contact.import_batch_id == result["batch_id"])).all()
    assert created and all(c.unconfirmed_since is None for c in created)

"""Writes that the consistency tests of derived tables (rollups, consent_active, topic masks) make."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from db.models import Contact, ContactTopic, DuplicateCandidate
from db.types import utcnow
from domain.enums import SOURCES, STATUSES, TOPICS
from services.contacts import duplicates
from services.intake import importer
from services.intake.importer import ListInfo
from tests.support.scopes import ADMIN, kv_of, user_scope

INFO = ListInfo(
    file_name="rollups.csv",
    source="infostand",
    source_date=date(2026, 11, 20),
    place="Markt",
    evidence="Unterschrift",
    consents=(("information", "email"),),
)
MAPPING = {"Vorname": "first_name", "Nachname": "last_name", "E-Mail": "email", "PLZ": "plz", "Themen": "topics"}


def import_some(session) -> dict:
    """kv-leipzig imports 20 people with topics and an e-mail consent (an import's summary)."""
    kv = user_scope(session, "kv-leipzig")
    rows = [f"Ida{i};Import{i};ida{i}@example.org;04229;Miete, Pflege" for i in range(20)]
    data = ("Vorname;Nachname;E-Mail;PLZ;Themen\n" + "\n".join(rows) + "\n").encode()
    return importer.run_import(session, kv, data, MAPPING, INFO)


def merge_some(session, rng: random.Random) -> None:
    """Merge an open duplicate pair, or two random people of KV Leipzig when none is open."""
    kv = kv_of(session, "14713")
    ids = list(session.scalars(select(Contact.id).where(Contact.kv_id == kv).order_by(Contact.id)))
    cand = session.scalars(select(DuplicateCandidate).where(DuplicateCandidate.status == "open")).first()
    if cand is None:  # the import filed none: pair two people of the KV
        a, b = sorted(rng.sample(ids, 2))
        cand = DuplicateCandidate(contact_a=a, contact_b=b, kv_id=kv, land_code="14", score=0.9, agreeing=["plz"])
        session.add(cand)
        session.flush()
    duplicates.merge(session, ADMIN, cand.id)


def random_ids(session, n: int, rng: random.Random) -> list[int]:
    """n distinct random contact ids."""
    ids = list(session.scalars(select(Contact.id).order_by(Contact.id)))
    return rng.sample(ids, n)


def _place_of(session, cid: int) -> dict:
    c = session.get(Contact, cid)
    return {"plz": c.plz, "kreis_ags": c.kreis_ags, "kv_id": c.kv_id, "land_code": c.land_code}


def random_writes(session, rng: random.Random) -> None:
    """One of each kind of write the Cockpit makes, on random people."""
    a, b, c, d, e, f = random_ids(session, 6, rng)
    # A new person, typed in; a status step; a move to another PLZ (with Kreis, KV and Land).
    session.add(
        Contact(
            first_name="Rolf",
            last_name="Rollup",
            source=rng.choice(list(SOURCES)),
            status="contact",
            contact_since=date.today(),
            created_at=utcnow() - timedelta(days=rng.randint(0, 400)),
            topics=[ContactTopic(topic=t) for t in rng.sample(list(TOPICS), 2)],
            **_place_of(session, a),
        )
    )
    session.get(Contact, b).status = rng.choice([s for s in list(STATUSES) if s != session.get(Contact, b).status])
    session.execute(update(Contact).where(Contact.id == c).values(**_place_of(session, d)))
    # Topics added and removed; a bulk status change; a changed creation time (a merge keeps the older).
    have = set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == e)))
    session.add(ContactTopic(contact_id=e, topic=next(t for t in TOPICS if t not in have)))
    session.execute(delete(ContactTopic).where(ContactTopic.contact_id == f))
    session.execute(update(Contact).where(Contact.id.in_([a, b, f])).values(status="active"))
    session.execute(update(Contact).where(Contact.id == f).values(created_at=utcnow() - timedelta(days=3)))
    session.commit()

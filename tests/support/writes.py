"""Writes that the consistency tests of derived tables (rollups, consent_active) make: an import and a merge."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from db.models import Contact, DuplicateCandidate
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

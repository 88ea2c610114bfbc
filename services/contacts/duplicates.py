"""Likely duplicates: the review queue per area, merge (nothing is lost) and keep apart (never proposed again).

A merge keeps the older record (the lower id) and moves every trace of the other to it: topics,
consents, activities, orders, offers and their assignments, call deliveries, shares and requests.
Staff choose the surviving value per field; the values not chosen stay in the person's timeline.
Both ids go into the audit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.models import Activity, Contact, DuplicateCandidate
from db.queries.contacts import duplicates as q
from db.types import utcnow
from domain.enums import STATUSES
from domain.errors import ConflictError, ValidationError
from services.contacts.edit import check_area, set_keys, touch
from services.contacts.rules import LADDER
from services.core import audit
from services.core.scope import Scope, require_action
from services.geo.places import resolve_plz

# Fields staff choose between, in the order the review shows them, with German labels.
FIELDS = {"first_name": "Vorname", "last_name": "Nachname", "email": "E-Mail", "phone": "Telefon",
          "street": "Straße", "plz": "PLZ", "city": "Ort", "birth_year": "Geburtsjahr"}
MAX_BATCH = 200
STALE = "Dieses Paar ist schon entschieden oder nicht (mehr) in deinem Gebiet. Lade die Liste neu."


@dataclass(frozen=True)
class PairView:
    """One open pair as the review shows it: both records side by side and the fields that differ."""

    id: int
    score: float
    a: dict
    b: dict
    differing: tuple[str, ...]
    agreeing: tuple[str, ...] = field(default_factory=tuple)


def _values(c: Contact) -> dict:
    return {"id": c.id, **{f: getattr(c, f) for f in FIELDS}, "status": c.status, "source": c.source,
            "kv_id": c.kv_id, "created_at": c.created_at}


def _differing(a: Contact, b: Contact) -> tuple[str, ...]:
    def norm(v):
        return "" if v is None else str(v).strip().casefold()
    return tuple(f for f in FIELDS if norm(getattr(a, f)) != norm(getattr(b, f)))


def review_queue(session: Session, scope: Scope, limit: int = 50) -> list[PairView]:
    """The open pairs of the user's area, most likely first."""
    require_action(scope, "contacts.duplicates")
    return [PairView(c.id, c.score, _values(a), _values(b), _differing(a, b), tuple(c.agreeing or ()))
            for c, a, b in q.open_pairs(session, scope, limit)]


def open_count(session: Session, scope: Scope) -> int:
    """How many pairs wait for a decision in the user's area."""
    require_action(scope, "contacts.duplicates")
    return q.open_count(session, scope)


def _load(session: Session, scope: Scope, ids: list[int]) -> list[tuple]:
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError("Bitte wähle mindestens ein Paar.")
    if len(ids) > MAX_BATCH:
        raise ValidationError(f"Höchstens {MAX_BATCH} Paare auf einmal.")
    rows = q.candidates_for_update(session, scope, ids)
    if len(rows) != len(ids):
        raise ConflictError(STALE)
    return rows


def _default_choice(a: Contact, b: Contact) -> dict[str, str]:
    # Without a choice the older record's value stays, and an empty one is filled from the other.
    return {f: "b" if getattr(a, f) in (None, "") and getattr(b, f) not in (None, "") else "a" for f in FIELDS}


def _merge_pair(session: Session, scope: Scope, cand: DuplicateCandidate, a: Contact, b: Contact,
                choice: dict[str, str]) -> dict:
    keep, gone = (a, b) if a.id < b.id else (b, a)
    picked = {f: getattr(b if choice.get(f, "a") == "b" else a, f) for f in FIELDS}
    not_chosen = [f"{FIELDS[f]}: {v}" for f in FIELDS
                  for v in {getattr(a, f), getattr(b, f)} - {picked[f]} if v not in (None, "")]
    from_merged = [f for f in FIELDS if picked[f] != getattr(keep, f)]
    if picked["plz"] != keep.plz:
        place = resolve_plz(session, picked["plz"])
        check_area(scope, place, moving_from_kv=keep.kv_id)
        keep.kreis_ags, keep.kv_id, keep.land_code = place.kreis_ags, place.kv_id, place.land_code
    for f, v in picked.items():
        setattr(keep, f, v)
    set_keys(keep)
    # The ladder keeps the higher step, and every date the step was reached first.
    if LADDER.index(gone.status) > LADDER.index(keep.status):
        keep.status = gone.status
    for f in ("contact_since", "active_since", "member_since", "created_at"):
        dates = [d for d in (getattr(keep, f), getattr(gone, f)) if d is not None]
        setattr(keep, f, min(dates) if dates else None)
    session.flush()
    moved = q.move_traces(session, keep.id, gone.id)
    q.repoint_candidates(session, keep.id, gone.id)
    note = f"Zusammengeführt mit Nr. {gone.id} ({STATUSES[gone.status]}, Quelle {gone.source})."
    if not_chosen:
        note += " Nicht übernommen: " + "; ".join(not_chosen)
    session.add(Activity(contact_id=keep.id, kind="merge", occurred_at=utcnow(), note=note, user_id=scope.user_id,
                         ref_type="contact", ref_id=gone.id))
    audit.record(session, scope, "contacts_merged", "contact", keep.id, merged_id=gone.id, candidate_id=cand.id,
                 fields_from_merged=from_merged, **moved)
    session.delete(gone)  # its candidate rows go with it (ON DELETE CASCADE)
    touch(keep)
    session.flush()
    return {"survivor": keep.id, "merged": gone.id}


def merge(session: Session, scope: Scope, candidate_id: int, choice: dict[str, str] | None = None) -> int:
    """Merge one pair with the chosen value per field ('a' or 'b'); the surviving id (commits)."""
    require_action(scope, "contacts.duplicates")
    ((cand, a, b),) = _load(session, scope, [candidate_id])
    bad = {v for v in (choice or {}).values()} - {"a", "b"}
    if bad or set(choice or {}) - set(FIELDS):
        raise ValidationError("Unbekannte Auswahl beim Zusammenführen.")
    result = _merge_pair(session, scope, cand, a, b, {**_default_choice(a, b), **(choice or {})})
    session.commit()
    return result["survivor"]


def merge_many(session: Session, scope: Scope, candidate_ids: list[int]) -> int:
    """Merge several reviewed pairs in one step, each keeping the older record's values (commits all or nothing)."""
    require_action(scope, "contacts.duplicates")
    rows = _load(session, scope, candidate_ids)
    gone: set[int] = set()
    for cand, a, b in rows:
        if a.id in gone or b.id in gone:
            raise ConflictError("Eine Person steckt in mehreren gewählten Paaren. Führe diese Paare einzeln zusammen.")
        _merge_pair(session, scope, cand, a, b, _default_choice(a, b))
        gone.add(max(a.id, b.id))
    session.commit()
    return len(rows)


def keep_apart(session: Session, scope: Scope, candidate_ids: list[int]) -> int:
    """Mark pairs as two different people: never proposed again (commits)."""
    require_action(scope, "contacts.duplicates")
    rows = _load(session, scope, candidate_ids)
    now = utcnow()
    for cand, _a, _b in rows:
        cand.status, cand.decided_by, cand.decided_at = "kept_apart", scope.user_id, now
        audit.record(session, scope, "duplicates_kept_apart", "contact", cand.contact_a, other_id=cand.contact_b,
                     candidate_id=cand.id)
    session.commit()
    return len(rows)


def file_pairs(session: Session, pairs: list[tuple[int, int, float, tuple[str, ...]]], places: dict[int, tuple],
               origin: str, batch_id: int | None = None) -> int:
    """File likely pairs (id, id, score, agreeing fields) not filed before; places maps id -> (kv_id, land). No commit."""
    ordered = {}
    for x, y, score, agreeing in pairs:
        if x == y:
            continue
        key = (min(x, y), max(x, y))
        if key not in ordered or ordered[key][0] < score:
            ordered[key] = (score, list(agreeing))
    fresh = [k for k in ordered if k not in q.known_pairs(session, list(ordered))]
    now = utcnow()
    for a, b in fresh:
        kv_id, land = places[max(a, b)]  # the newer record's area: that office reviews it
        session.add(DuplicateCandidate(contact_a=a, contact_b=b, kv_id=kv_id, land_code=land,
                                       score=round(float(ordered[(a, b)][0]), 4), agreeing=ordered[(a, b)][1],
                                       origin=origin, import_batch_id=batch_id, created_at=now))
    session.flush()
    return len(fresh)

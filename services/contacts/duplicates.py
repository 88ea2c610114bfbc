"""Likely duplicates: the review queue per area, merge (nothing is lost) and keep apart (never proposed again).

A merge keeps the older record (the lower id) and moves every trace of the other to it: topics,
consents, activities, orders, offers and their assignments, call deliveries, shares, requests, the
mails to the person and the campaign leads that name the person as contact. Staff choose the surviving value per field; the values not chosen stay in the person's timeline.
Both ids go into the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.models import Activity, Contact, DuplicateCandidate
from db.queries import intake as iq
from db.queries.common import area_names
from db.queries.contacts import duplicates as q
from db.types import utcnow
from domain.enums import STATUSES
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.contacts.edit import check_area, set_keys, touch
from services.contacts.rules import LADDER
from services.core import audit
from services.core.scope import Scope, require_action
from services.geo.places import resolve_plz
from services.intake import dedupe

# Fields staff choose between, in the order the review shows them, with German labels.
FIELDS = {
    "first_name": "Vorname",
    "last_name": "Nachname",
    "email": "E-Mail",
    "phone": "Telefon",
    "street": "Straße",
    "plz": "PLZ",
    "city": "Ort",
    "birth_year": "Geburtsjahr",
}
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
    return {
        "id": c.id,
        **{f: getattr(c, f) for f in FIELDS},
        "status": c.status,
        "source": c.source,
        "kv_id": c.kv_id,
        "created_at": c.created_at,
    }


def _differing(a: Contact, b: Contact) -> tuple[str, ...]:
    def norm(v):
        return "" if v is None else str(v).strip().casefold()

    return tuple(f for f in FIELDS if norm(getattr(a, f)) != norm(getattr(b, f)))


def review_queue(session: Session, scope: Scope, limit: int = 50) -> list[PairView]:
    """The open pairs of the user's area, most likely first."""
    require_action(scope, "contacts.duplicates")
    return [
        PairView(c.id, c.score, _values(a), _values(b), _differing(a, b), tuple(c.agreeing or ()))
        for c, a, b in q.open_pairs(session, scope, limit)
    ]


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


def _merge_pair(
    session: Session, scope: Scope, cand: DuplicateCandidate, a: Contact, b: Contact, choice: dict[str, str]
) -> dict:
    keep, gone = (a, b) if a.id < b.id else (b, a)
    picked = {f: getattr(b if choice.get(f, "a") == "b" else a, f) for f in FIELDS}
    not_chosen = [
        f"{FIELDS[f]}: {v}" for f in FIELDS for v in {getattr(a, f), getattr(b, f)} - {picked[f]} if v not in (None, "")
    ]
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
        # The step is recorded like one on the contact card: in the timeline, by whom, from which step.
        session.add(
            Activity(
                contact_id=keep.id,
                kind="status_change",
                occurred_at=utcnow(),
                user_id=scope.user_id,
                note=f"{STATUSES[keep.status]} → {STATUSES[gone.status]} (Zusammenführung mit Nr. {gone.id})",
                ref_type="contact",
                ref_id=gone.id,
            )
        )
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
    session.add(
        Activity(
            contact_id=keep.id,
            kind="merge",
            occurred_at=utcnow(),
            note=note,
            user_id=scope.user_id,
            ref_type="contact",
            ref_id=gone.id,
        )
    )
    audit.record(
        session,
        scope,
        "contacts_merged",
        "contact",
        keep.id,
        merged_id=gone.id,
        candidate_id=cand.id,
        fields_from_merged=from_merged,
        **moved,
    )
    session.delete(gone)  # its candidate rows go with it (ON DELETE CASCADE)
    touch(keep)
    session.flush()
    return {"survivor": keep.id, "merged": gone.id}


def merge(session: Session, scope: Scope, candidate_id: int, choice: dict[str, str] | None = None) -> int:
    """Merge one pair with the chosen value per field ('a' or 'b'); the surviving id (commits)."""
    require_action(scope, "contacts.duplicates")
    ((cand, a, b),) = _load(session, scope, [candidate_id])
    bad = set((choice or {}).values()) - {"a", "b"}
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
        audit.record(
            session,
            scope,
            "duplicates_kept_apart",
            "contact",
            cand.contact_a,
            other_id=cand.contact_b,
            candidate_id=cand.id,
        )
    session.commit()
    return len(rows)


def file_pairs(
    session: Session,
    pairs: list[tuple[int, int, float, tuple[str, ...]]],
    places: dict[int, tuple],
    origin: str,
    batch_id: int | None = None,
) -> int:
    """File likely pairs (id, id, score, agreeing fields) not filed before; places maps id -> (kv_id, land). No commit."""
    ordered = {}
    for x, y, score, agreeing in pairs:
        if x == y:
            continue
        key = (min(x, y), max(x, y))
        if key not in ordered or ordered[key][0] < score:
            ordered[key] = (score, list(agreeing))
    known = q.known_pairs(session, list(ordered))  # once: a batch files thousands of pairs
    fresh = [k for k in ordered if k not in known]
    now = utcnow()
    rows = []
    for a, b in fresh:
        kv_id, land = places[max(a, b)]  # the newer record's area: that office reviews it
        score, agreeing = ordered[(a, b)]
        rows.append(
            {
                "contact_a": a,
                "contact_b": b,
                "kv_id": kv_id,
                "land_code": land,
                "score": round(float(score), 4),
                "agreeing": agreeing,
                "origin": origin,
                "import_batch_id": batch_id,
                "status": "open",
                "created_at": now,
            }
        )
    q.insert_candidates(session, rows)
    return len(fresh)


def scan_area(session: Session, scope: Scope, kv_id: int | None = None, land_code: str | None = None) -> int:
    """Look for likely duplicates among the people of one KV or Land of the user's area; new pairs filed (commits)."""
    require_action(scope, "contacts.duplicates")
    if scope.role == "kreis":
        kv_id, land_code = scope.kv_id, None
    elif scope.role == "land":
        land_code = scope.land_code if kv_id is None else None
    if kv_id is None and not land_code:
        raise ValidationError("Bitte wähle einen Kreisverband oder ein Land für die Suche.")
    people = iq.people_of_area(session, kv_id, land_code)
    if scope.role == "land" and kv_id is not None and len(people) and (people["land_code"] != scope.land_code).any():
        raise PermissionDenied("Dieser Kreisverband liegt nicht in deinem Land.")
    frame = people.rename(columns={"email_key": "email", "phone_key": "phone"})
    pairs = [
        (int(p.left_id), int(p.right_id), p.score, tuple(p.agreeing_fields)) for p in dedupe.find_pairs_within(frame)
    ]
    places = {int(r.id): (int(r.kv_id), r.land_code) for r in people.itertuples(index=False)}
    filed = file_pairs(session, pairs, places, "scan") if pairs else 0
    audit.record(
        session,
        scope,
        "duplicates_scanned",
        "kreisverband" if kv_id else "land",
        kv_id or land_code,
        people=len(people),
        filed=filed,
    )
    session.commit()
    return filed


@dataclass(frozen=True)
class ScanChoices:
    """Where the user may start a scan: Länder (code → name, by name) and per Land its KVs (id → name, by name).

    whole_land says whether a whole Land may be scanned; a kreis user scans its own KV only.
    """

    lands: dict[str, str]
    kvs: dict[str, dict[int, str]]
    whole_land: bool


def scan_choices(session: Session, scope: Scope) -> ScanChoices:
    """The areas scan_area accepts from this user: team/admin every Land or KV, land its Land or one of its KVs."""
    require_action(scope, "contacts.duplicates")
    kvs: dict[str, dict[int, str]] = {}
    for kv_id, name, land in q.kvs_in_area(session, scope):
        kvs.setdefault(land, {})[int(kv_id)] = name
    wanted = set(kvs) | ({scope.land_code} if scope.role == "land" else set())
    lands = {c: n for c, n in area_names.land_names_by_name(session).items() if c in wanted}
    return ScanChoices(lands, {c: kvs.get(c, {}) for c in lands}, scope.role != "kreis")

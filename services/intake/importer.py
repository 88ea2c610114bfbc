"""The import of a list of people: plan (preview, writes nothing), run (all or nothing), roll back a batch.

Every row becomes one of: a new person (in the KV of its PLZ, wherever that is: routing by PLZ is
the point of Linksaktiv), an addition to a person who exists (same e-mail or phone: new topics,
consents and an activity; nothing is overwritten), a new person filed for review beside a likely
duplicate, or a rejection with a German reason. The import and the command line share this code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

import pandas as pd
from sqlalchemy.orm import Session

from db.models import Activity, Consent, ContactTopic, ImportBatch
from db.queries import intake as q
from db.topic_mask import mask_of_topics
from db.types import utcnow
from domain import keys
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.keys import email_key
from services.contacts import duplicates
from services.core import audit, validate
from services.core.scope import Scope, may_see_contact, require_action
from services.intake import dedupe, upload
from services.intake.reading import read_table
from services.intake.validation import BatchContext, Candidate, validate_table

ROLLBACK_DAYS = 14
# A person's phone key is asked for at several steps; parsing a number (phonenumbers) is the costly part.
phone_key = lru_cache(maxsize=1 << 18)(keys.phone_key)
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ListInfo:
    """What the user states about the list: where it comes from and the consent evidence for the batch."""

    file_name: str
    source: str
    source_date: date | None = None
    place: str = ""
    evidence: str = ""
    consents: tuple[tuple[str, str | None], ...] = ()  # the purposes × channels the evidence covers
    sheet: str | None = None
    unconfirmed: bool = False  # the people the batch creates wait for their confirmation mail (double opt-in)


@dataclass
class Plan:
    """The preview of an import: what would happen to each row. Nothing has been written."""

    people: list[Candidate]
    rejected: list  # validation.Rejection
    empty_rows: int
    folded_rows: int  # rows of a person that already has a row in the file
    create: list[int] = field(default_factory=list)  # indexes into people
    merge: dict[int, int] = field(default_factory=dict)  # person index -> existing contact id
    review: dict[int, tuple[int, float, tuple[str, ...]]] = field(default_factory=dict)  # -> (existing, score, fields)
    inner_pairs: list[tuple[int, int, float, tuple[str, ...]]] = field(default_factory=list)  # likely pairs in the file
    places: dict[str, tuple] = field(default_factory=dict)
    outside: int = 0  # new people who live outside the importer's area

    def counts(self) -> dict:
        """The figures of the preview and the batch: created, merged, review, rejected, per KV."""
        per_kv = Counter(self.places[self.people[i].plz][2] for i in self.create)
        names = {v[2]: v[3] for v in self.places.values()}
        return {
            "created": len(self.create),
            "merged": len(self.merge),
            "review": len(self.review) + len(self.inner_pairs),
            "rejected": len(self.rejected),
            "empty": self.empty_rows,
            "folded": self.folded_rows,
            "outside_area": self.outside,
            "per_kv": {names[k]: n for k, n in sorted(per_kv.items(), key=lambda kv: -kv[1])},
        }


def _fold(people: list[Candidate]) -> tuple[list[Candidate], int]:
    """Rows of one person (same e-mail or phone) become one person: topics and consents joined."""
    records = [
        dedupe.Record(
            id=i,
            first_name=p.first_name,
            last_name=p.last_name,
            email=email_key(p.email),
            phone=phone_key(p.phone),
            plz=p.plz,
        )
        for i, p in enumerate(people)
    ]
    exact = [dedupe.Pair(i, j, 1.0, "exact", ()) for i, j in _exact_index_pairs(records)]
    out, folded = [], 0
    for group in dedupe.group_pairs(range(len(people)), exact, kinds=("exact",)):
        first = people[group[0]]
        if len(group) > 1:
            others = [people[i] for i in group[1:]]
            folded += len(others)
            first = _joined(first, others)
        out.append(first)
    return out, folded


def _exact_index_pairs(records: list) -> list[tuple[int, int]]:
    seen: dict[tuple[str, str], int] = {}
    pairs = []
    for r in records:
        for key in (("e", r.email), ("p", r.phone)):
            if key[1]:
                if key in seen:
                    pairs.append((seen[key], r.id))
                else:
                    seen[key] = r.id
    return pairs


def _joined(first: Candidate, others: list[Candidate]) -> Candidate:
    from dataclasses import replace

    values = {}
    for f in ("email", "phone", "street", "city", "birth_year", "notes"):
        if not getattr(first, f):
            values[f] = next((getattr(o, f) for o in others if getattr(o, f)), getattr(first, f))
    topics = tuple(dict.fromkeys(first.topics + tuple(t for o in others for t in o.topics)))
    consents = tuple(dict.fromkeys(first.consents + tuple(c for o in others for c in o.consents)))
    rows = tuple(first.rows or (first.row,)) + tuple(r for o in others for r in (o.rows or (o.row,)))
    return replace(first, **values, topics=topics, consents=consents, rows=rows)


def check_info(info: ListInfo) -> ListInfo:
    """What the importer typed about the list, tidied; German ValidationError when a column cannot hold it."""
    return replace(
        info,
        file_name=validate.text((info.file_name or "")[:200], "import.file_name"),
        place=validate.text(info.place, "import.place"),
        evidence=validate.text(info.evidence, "import.evidence"),
    )


def plan_import(
    session: Session, scope: Scope, data: bytes, mapping: dict, info: ListInfo, progress: Progress | None = None
) -> Plan:
    """Read, check and match a file against the database; writes nothing."""
    require_action(scope, "contacts.import")
    info = check_info(info)
    step = progress or (lambda _f, _t: None)
    step(0.05, "Datei wird gelesen …")
    table = read_table(data, info.file_name, info.sheet, max_bytes=upload.max_upload_bytes())
    step(0.15, "Zeilen werden geprüft …")
    batch = BatchContext(source=info.source, evidence=info.evidence, consents=tuple(info.consents))
    result = validate_table(table, mapping, q.known_plz(session), batch)
    people, folded = _fold(result.candidates)
    plan = Plan(people=people, rejected=result.rejected, empty_rows=result.empty_rows, folded_rows=folded)
    if not people:
        return plan
    plan.places = q.places(session, (p.plz for p in people))
    step(0.3, "Gleiche Personen werden gesucht …")
    by_email, by_phone = q.exact_keys(
        session, [email_key(p.email) for p in people], [phone_key(p.phone) for p in people]
    )
    rest = []
    for i, p in enumerate(people):
        existing = by_email.get(email_key(p.email)) or by_phone.get(phone_key(p.phone))
        if existing is not None:
            plan.merge[i] = int(existing)
        else:
            rest.append(i)
    step(0.5, "Ähnliche Personen werden gesucht …")
    _likely(session, plan, rest)
    plan.create = [i for i in rest if i not in plan.review] + list(plan.review)
    # place = (place name, Kreis AGS, KV id, KV name, Land code, Land name)
    plan.outside = sum(
        not may_see_contact(scope, plan.places[people[i].plz][2], plan.places[people[i].plz][4]) for i in plan.create
    )
    step(0.7, "Vorschau ist fertig.")
    return plan


def _frame(people: list[Candidate], indexes: list[int]) -> pd.DataFrame:
    """The compared fields of these people as dedupe.Record columns (id = index into people)."""
    chosen = [people[i] for i in indexes]
    return pd.DataFrame(
        {
            "id": list(indexes),
            "first_name": [p.first_name for p in chosen],
            "last_name": [p.last_name for p in chosen],
            "email": [email_key(p.email) for p in chosen],
            "phone": [phone_key(p.phone) for p in chosen],
            "street": [p.street for p in chosen],
            "plz": [p.plz for p in chosen],
            "city": [p.city for p in chosen],
            "birth_year": [p.birth_year for p in chosen],
        }
    )


def _likely(session: Session, plan: Plan, rest: list[int]) -> None:
    if not rest:
        return
    # One prepared frame of the new people serves both the match against the database and the pairs within.
    new = dedupe.prepare(_frame(plan.people, rest))
    keys = [(plan.people[i].plz, name) for i in rest for name in (plan.people[i].first_name, plan.people[i].last_name)]
    existing = q.people_like(session, keys)
    if len(existing):
        frame = existing.rename(columns={"email_key": "email", "phone_key": "phone"})
        for m in dedupe.find_matches(new, frame, new_prepared=new):
            i = rest[m.new_index]
            if m.kind != "exact" and (i not in plan.review or plan.review[i][1] < m.score):
                plan.review[i] = (int(m.existing_id), m.score, tuple(m.agreeing_fields))
    plan.inner_pairs = [
        (int(p.left_id), int(p.right_id), p.score, tuple(p.agreeing_fields))
        for p in dedupe.find_pairs_within(new, prepared=new)
        if p.kind != "exact"
    ]


def run_import(
    session: Session,
    scope: Scope,
    data: bytes,
    mapping: dict,
    info: ListInfo,
    expected: dict | None = None,
    progress: Progress | None = None,
) -> dict:
    """Import the file as one batch (commits all or nothing); the batch's counts with its id.

    expected: the counts the user confirmed in the preview; if the file now gives others (the
    database changed meanwhile), nothing is written.
    """
    step = progress or (lambda _f, _t: None)
    info = check_info(info)
    with q.import_cache(session):
        return _run(session, scope, data, mapping, info, expected, step)


def _run(session: Session, scope: Scope, data: bytes, mapping: dict, info: ListInfo, expected, step) -> dict:
    plan = plan_import(session, scope, data, mapping, info, progress=lambda f, t: step(f * 0.4, t))
    counts = plan.counts()
    if expected is not None and any(counts[k] != expected.get(k) for k in ("created", "merged", "review")):
        raise ConflictError(
            "Seit der Vorschau hat sich etwas geändert. Bitte sieh dir die Vorschau noch einmal an; "
            "es wurde nichts importiert."
        )
    if not plan.create and not plan.merge:
        raise ValidationError("In der Datei ist keine Person, die importiert werden kann. Es wurde nichts importiert.")
    now = utcnow()
    batch = ImportBatch(
        user_id=scope.user_id,
        username=scope.username,
        kv_id=scope.kv_id,
        land_code=scope.land_code,
        created_at=now,
        file_name=info.file_name,
        source=info.source,
        source_date=info.source_date.isoformat() if info.source_date else "",
        place=info.place,
        consent_evidence=info.evidence,
        mapping=dict(mapping),
        counts=counts,
    )
    session.add(batch)
    session.flush()
    step(0.45, "Neue Personen werden angelegt …")
    new_ids = _create_people(session, scope, plan, batch, now, unconfirmed=info.unconfirmed)
    step(0.75, "Vorhandene Personen werden ergänzt …")
    _add_to_existing(session, scope, plan, batch, now)
    step(0.9, "Mögliche Dubletten kommen in die Prüfliste …")
    pairs = [(new_ids[i], existing, score, fields) for i, (existing, score, fields) in plan.review.items()]
    pairs += [
        (new_ids[a], new_ids[b], score, fields)
        for a, b, score, fields in plan.inner_pairs
        if a in new_ids and b in new_ids
    ]
    places = _places_of(session, plan, new_ids, pairs)
    if pairs:
        duplicates.file_pairs(session, pairs, places, "import", batch.id)
    audit.record(
        session,
        scope,
        "contacts_imported",
        "import_batch",
        batch.id,
        source=info.source,
        created=counts["created"],
        merged=counts["merged"],
        review=counts["review"],
        rejected=counts["rejected"],
        outside_area=counts["outside_area"],
        unconfirmed=info.unconfirmed,
    )
    batch_id = batch.id
    session.commit()
    step(1.0, "Fertig.")
    return {"batch_id": batch_id, **counts}


def _create_people(
    session: Session, scope: Scope, plan: Plan, batch: ImportBatch, now: datetime, unconfirmed: bool = False
) -> dict[int, int]:
    day = date.fromisoformat(batch.source_date) if batch.source_date else now.date()
    rows = []
    for i in plan.create:
        p = plan.people[i]
        place, ags, kv_id, _kvn, land, _ln = plan.places[p.plz]
        rows.append(
            {
                "first_name": p.first_name,
                "last_name": p.last_name,
                "email": p.email,
                "email_key": email_key(p.email),
                "phone": p.phone,
                "phone_key": phone_key(p.phone),
                "street": p.street,
                "plz": p.plz,
                "city": p.city or place,
                "kreis_ags": ags,
                "kv_id": kv_id,
                "land_code": land,
                "status": "contact",
                "contact_since": day,
                "source": p.source or batch.source,
                # The bits the topic rows written next would set (db/topic_mask.py): the trigger then has
                # nothing to update, instead of writing each new person a second time.
                "topic_mask": mask_of_topics(p.topics),
                "birth_year": p.birth_year,
                "created_at": now,
                "updated_at": now,
                "import_batch_id": batch.id,
                "unconfirmed_since": now if unconfirmed else None,
            }
        )
    ids = q.insert_contacts(session, rows)
    new_ids = dict(zip(plan.create, ids))
    _children(session, scope, plan, batch, now, new_ids, topics_present=set())
    return new_ids


def _add_to_existing(session: Session, scope: Scope, plan: Plan, batch: ImportBatch, now: datetime) -> None:
    if not plan.merge:
        return
    present = q.existing_topics(session, list(plan.merge.values()))
    _children(session, scope, plan, batch, now, plan.merge, topics_present=present)
    q.touch_contacts(session, sorted(set(plan.merge.values())), now)


def _children(
    session: Session,
    scope: Scope,
    plan: Plan,
    batch: ImportBatch,
    now: datetime,
    targets: dict[int, int],
    topics_present: set,
) -> None:
    """Topics, consents and the 'import' activity of each person, each naming the batch (rollback)."""
    topics, consents, activities = [], [], []
    where = " · ".join(x for x in (batch.place, batch.source_date) if x)
    for i, cid in targets.items():
        p = plan.people[i]
        for t in p.topics:
            if (cid, t) not in topics_present:
                topics_present.add((cid, t))
                topics.append({"contact_id": cid, "topic": t, "import_batch_id": batch.id})
        consents += [
            {
                "contact_id": cid,
                "purpose": c.purpose,
                "channel": c.channel,
                "granted_at": now,
                "source": (p.source or batch.source)[:40],
                "evidence": c.evidence,
                "import_batch_id": batch.id,
            }
            for c in p.consents
        ]
        note = f"Importiert aus {batch.file_name}" + (f" ({where})" if where else "")
        if p.notes:
            note += f". Notiz: {p.notes}"
        activities.append(
            {
                "contact_id": cid,
                "kind": "import",
                "occurred_at": now,
                "note": note,
                "ref_type": "import_batch",
                "ref_id": batch.id,
                "user_id": scope.user_id,
                "import_batch_id": batch.id,
            }
        )
    q.insert_rows(session, ContactTopic, topics)
    q.insert_rows(session, Consent, consents)
    q.insert_rows(session, Activity, activities)


def _places_of(session: Session, plan: Plan, new_ids: dict[int, int], pairs: list) -> dict[int, tuple]:
    places = {new_ids[i]: plan.places[plan.people[i].plz][2:5:2] for i in new_ids}
    missing = {x for a, b, _s, _f in pairs for x in (a, b) if x not in places}
    places.update(q.kv_and_land_of(session, sorted(missing)))
    return places


def rollback_batch(session: Session, scope: Scope, batch_id: int) -> dict:
    """Undo a whole batch within 14 days, if none of its people was changed or merged since (commits)."""
    require_action(scope, "contacts.import")
    batch = q.batch_for_update(session, scope, int(batch_id))
    if batch is None:
        raise NotFoundError("Diesen Import gibt es nicht in deinem Gebiet.")
    if batch.status != "imported":
        raise ConflictError("Dieser Import ist schon zurückgenommen.")
    if utcnow() - batch.created_at > timedelta(days=ROLLBACK_DAYS):
        raise ConflictError(f"Ein Import lässt sich nur {ROLLBACK_DAYS} Tage lang zurücknehmen.")
    alive, last_change = q.batch_people(session, batch.id)
    if alive != batch.counts.get("created") or (last_change is not None and last_change > batch.created_at):
        raise ConflictError(
            "Personen aus diesem Import wurden inzwischen geändert, zusammengeführt oder gelöscht. "
            "Der Import lässt sich deshalb nicht mehr als Ganzes zurücknehmen."
        )
    removed = q.remove_batch_rows(session, batch.id)
    batch.status, batch.rolled_back_at = "rolled_back", utcnow()
    audit.record(session, scope, "import_rolled_back", "import_batch", batch.id, **removed)
    session.commit()
    return removed


@dataclass(frozen=True)
class BatchInfo:
    """One import batch as the page lists it."""

    id: int
    created_at: datetime
    username: str
    file_name: str
    source: str
    counts: dict
    status: str


def batches(session: Session, scope: Scope) -> list[BatchInfo]:
    """The newest import batches of the user's area."""
    require_action(scope, "contacts.import")
    return [
        BatchInfo(b.id, b.created_at, b.username, b.file_name, b.source, dict(b.counts or {}), b.status)
        for b in q.batches_in_scope(session, scope)
    ]

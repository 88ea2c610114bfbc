"""Retention (GDPR Art. 5(1)(e)): people without activity and without active consent are anonymised.

Who is due: nothing happened with the person for RETENTION_MONTHS (default 24), they hold no
active consent for any purpose, they are not a member and have no open data-subject request.
"Activity" is being created, a step on the ladder, a timeline entry, a newspaper order changing
state, a call to action delivered or answered, a volunteer offer made, withdrawn or still running,
an assignment changing state, a consent granted or withdrawn (db/queries/retention.py).

Anonymising is the Art. 17 erasure itself (services/privacy/erasure.erase_contact): the person
and every trace go, orders keep PLZ and copies, a tombstone stays. The daily job
(`python -m scripts.retention`) and the admin page (Aufbewahrung) both come here; a person whose
helper assignment is still contacted or confirmed waits until it is cancelled (counted as blocked).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.queries import retention as q
from db.types import utcnow
from domain.errors import ValidationError
from services.core import audit
from services.core.scope import Scope, require_action, require_persons
from services.core.settings import get_settings
from services.privacy import erasure, tombstones
from services.privacy.suppression import suppress_breakdown

CONFIRM_WORD = "ANONYMISIEREN"
# The scheduled job acts as the system with the admin's reach; the audit names it.
SYSTEM = Scope(role="admin", user_id=None, username="system:retention")
BATCH = 200
LIST_LIMIT = 200


@dataclass(frozen=True)
class KvDue:
    """People due in one KV (None: hidden for roles that see aggregates only)."""

    kv_id: int
    kv_name: str
    land_name: str
    due: int | None


@dataclass(frozen=True)
class DuePerson:
    """One person due, as the page lists them."""

    contact_id: int
    first_name: str
    last_name: str
    plz: str
    city: str
    status: str
    kv_name: str
    created_at: datetime
    last_activity: datetime


@dataclass(frozen=True)
class RetentionResult:
    """What a retention run found and did."""

    months: int
    cutoff: datetime
    due: int
    erased: int
    blocked: int
    dry_run: bool
    due_per_kv: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict:
        """The JSON summary the command prints (ids and counts only)."""
        return {
            "retention_months": self.months,
            "cutoff": self.cutoff.isoformat(),
            "due": self.due,
            "erased": self.erased,
            "blocked": self.blocked,
            "dry_run": self.dry_run,
            "due_per_kv": self.due_per_kv,
        }


def months_before(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_months() -> int:
    """The configured retention period in months (RETENTION_MONTHS)."""
    return get_settings().retention_months


def cutoff(now: datetime | None = None, months: int | None = None) -> datetime:
    """Whoever had no activity since this moment (UTC) is due."""
    return months_before(now or utcnow(), retention_months() if months is None else months)


@dataclass(frozen=True)
class DueOverview:
    """Who is due in the scope: counts per KV, the total and (for roles that see persons) the first people."""

    months: int
    cutoff: datetime
    per_kv: list[KvDue]
    total: int | None
    persons: list[DuePerson] | None


def due_overview(
    session: Session, scope: Scope, kv_id: int | None = None, limit: int = LIST_LIMIT, now: datetime | None = None
) -> DueOverview:
    """One pass over the scope's area: counts per KV (for leitung: suppressed) and the first `limit` people due.

    kv_id narrows the people listed (not the counts). Roles without persons get persons=None.
    """
    months = retention_months()
    since = cutoff(now, months)
    due = q.due_people(session, scope, since)
    counts = _per_kv(due)
    labels = q.kv_labels(session, counts)
    total: int | None = len(due)
    shown: dict[int, int | None] = dict(counts)
    if not scope.sees_persons:
        shown, total = suppress_breakdown(counts, len(due))
    per_kv = [KvDue(k, kv_name, land_name, shown[k]) for k, kv_name, land_name in labels]
    persons = None
    if scope.sees_persons:
        ids = [cid for cid, kv in due if kv_id in (None, kv)][:limit]
        rows = q.contacts_by_ids(session, scope, ids)
        last = q.last_activity(session, ids)
        persons = [DuePerson(*r, last_activity=last.get(r[0], r[7])) for r in rows]
    return DueOverview(months, since, per_kv, total, persons)


def _per_kv(due: list[tuple[int, int]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for _cid, kv in due:
        counts[kv] = counts.get(kv, 0) + 1
    return counts


def due_per_kv(session: Session, scope: Scope, now: datetime | None = None) -> list[KvDue]:
    """People due per KV of the scope's area; for leitung small counts and what reveals them are hidden."""
    return due_overview(session, scope, limit=0, now=now).per_kv


def due_total(session: Session, scope: Scope, now: datetime | None = None) -> int | None:
    """How many people of the scope's area are due (None when hidden for leitung)."""
    return due_overview(session, scope, limit=0, now=now).total


def due_persons(
    session: Session, scope: Scope, kv_id: int | None = None, limit: int = LIST_LIMIT, now: datetime | None = None
) -> list[DuePerson]:
    """The people due in the scope (persons only), longest known first, with their last activity."""
    require_persons(scope)
    return due_overview(session, scope, kv_id=kv_id, limit=limit, now=now).persons


def check_confirmation(typed: str) -> None:
    """The admin must type ANONYMISIEREN; ValidationError otherwise."""
    if (typed or "").strip().upper() != CONFIRM_WORD:
        raise ValidationError(f"Zur Bestätigung tippe „{CONFIRM_WORD}“ ein. Es wurde niemand anonymisiert.")


def anonymise_due(
    session: Session,
    scope: Scope,
    kv_id: int | None,
    confirmation: str,
    contact_ids: list[int] | None = None,
    now: datetime | None = None,
) -> RetentionResult:
    """The page's action: anonymise everyone due (in one KV or the whole area, or only the chosen
    people among them); audited (commits)."""
    require_action(scope, "privacy.retention")
    check_confirmation(confirmation)
    return run(session, scope, now=now, kv_id=kv_id, contact_ids=[int(c) for c in contact_ids or []] or None)


def run(
    session: Session,
    scope: Scope = SYSTEM,
    dry_run: bool = False,
    now: datetime | None = None,
    kv_id: int | None = None,
    limit: int | None = None,
    contact_ids: list[int] | None = None,
) -> RetentionResult:
    """Find who is due (in a KV, among some ids) and unless dry_run anonymise them in batches; audited (commits)."""
    require_action(scope, "privacy.retention")
    months = retention_months()
    since = cutoff(now, months)
    due = q.due_people(session, scope, since, kv_id=kv_id, among=contact_ids)
    counts = _per_kv(due)
    per_kv = {kv_name: counts[k] for k, kv_name, _land in q.kv_labels(session, counts)}
    ids = [cid for cid, _kv in due][:limit]
    erased = blocked = 0
    if not dry_run:
        for start in range(0, len(ids), BATCH):
            # Still due now? Someone may have come back or consented since the list was read.
            batch = [cid for cid, _kv in q.due_people(session, scope, since, among=ids[start : start + BATCH])]
            done, waiting = _erase(session, scope, batch, months)
            erased, blocked = erased + done, blocked + waiting
            session.commit()
        audit.record(
            session,
            scope,
            "retention_run",
            "retention",
            kv_id or "",
            months=months,
            cutoff=since.date().isoformat(),
            due=len(due),
            erased=erased,
            blocked=blocked,
        )
        session.commit()
    return RetentionResult(months, since, len(due), erased, blocked, dry_run, per_kv)


def _erase(session: Session, scope: Scope, ids: list[int], months: int) -> tuple[int, int]:
    """Erase each person through the Art. 17 code unless something blocks it; (erased, blocked)."""
    erased = blocked = 0
    for cid in ids:
        plan = erasure.contact_plan(session, cid)
        if plan.blockers:
            blocked += 1
            continue
        erasure.erase_contact(session, cid, tombstones.RETENTION)
        audit.record(
            session,
            scope,
            "retention_erased",
            "contact",
            cid,
            months=months,
            consents=plan.consents,
            activities=plan.activities,
            orders_blanked=plan.orders_blanked,
            orders_cancelled=plan.orders_cancelled,
            offers=plan.offers,
            call_deliveries=plan.call_deliveries,
            mails_deleted=plan.mails_deleted,
            mails_blanked=plan.mails_blanked,
            leads_blanked=plan.leads_blanked,
        )
        erased += 1
    return erased, blocked

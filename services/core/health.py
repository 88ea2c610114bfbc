"""The operator's health check: database reachable, migrations at head, outbox moving, mail sender alive,
and (for N app processes) PostgreSQL's connections enough for all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from db.engine import make_session_factory
from db.migrate import heads
from db.queries import health as q
from db.types import utcnow
from domain.formatting import format_datetime

SENDER = "mail_sender"
# Clients besides the app processes that may each hold a pool: the mail sender, a timer's run, a
# maintenance session (psql, pg_dump). The README's rule counts them like app processes.
OTHER_CLIENTS = 3


@dataclass(frozen=True)
class HealthLimits:
    """How old the oldest waiting mail and the sender's last success may be before the check fails."""

    outbox_max_age: timedelta = timedelta(minutes=30)
    sender_max_age: timedelta = timedelta(minutes=10)
    check_sender: bool = True
    app_processes: int = 0  # 0: do not check the connection budget
    connections_per_process: int = 10  # DB_POOL_SIZE + DB_MAX_OVERFLOW


@dataclass
class HealthReport:
    """What the check found: German problems (empty when healthy) and what it saw."""

    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def check_health(engine: Engine, limits: HealthLimits = HealthLimits(), now: datetime | None = None) -> HealthReport:
    """Check the database behind engine; every problem is a German sentence an operator can act on."""
    now = now or utcnow()
    report = HealthReport()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip()
        first = detail.splitlines()[0][:200] if detail else type(exc).__name__
        report.problems.append(f"Die Datenbank ist nicht erreichbar: {first}")
        return report
    report.facts.append("Datenbank erreichbar")
    with make_session_factory(engine)() as session:
        _check_migrations(q.database_revision(session), report)
        _check_outbox(q.oldest_queued_at(session), now, limits, report)
        if limits.check_sender:
            _check_sender(q.heartbeat(session, SENDER), now, limits, report)
        _check_connections(q.connection_limits(session), limits, report)
    return report


def connection_budget_problem(
    app_processes: int, per_process: int, max_connections: int, reserved: int = 0
) -> str | None:
    """A German problem when N app processes and the other clients could ask for more connections than
    PostgreSQL gives ((N + 3) x (pool + overflow) must stay below max_connections minus the reserved
    slots), else None."""
    free = max_connections - reserved
    need = (app_processes + OTHER_CLIENTS) * per_process
    if need < free:
        return None
    fitting_per_process = (free - 1) // (app_processes + OTHER_CLIENTS)
    fitting_processes = max((free - 1) // per_process - OTHER_CLIENTS, 0)
    advice = [f"höchstens {fitting_processes} App-Prozesse"]
    if fitting_per_process >= 1:
        advice.insert(0, f"DB_POOL_SIZE + DB_MAX_OVERFLOW zusammen höchstens {fitting_per_process}")
    return (
        f"{app_processes} App-Prozesse und {OTHER_CLIENTS} weitere Verbindungsnutzer (Mailversand, Timer, Wartung) "
        f"mit je bis zu {per_process} Verbindungen (DB_POOL_SIZE + DB_MAX_OVERFLOW) bräuchten bis zu {need}, "
        f"PostgreSQL gibt aber nur {free} (max_connections {max_connections} minus {reserved} reservierte): "
        f"stelle {' oder '.join(advice)} ein, oder erhöhe max_connections."
    )


def note_sender_run(engine: Engine, report, now: datetime | None = None) -> bool:
    """Record a successful sender run (what the check reads); True when it counted as one.

    A run succeeded when it delivered something or had nothing that failed: a run whose every
    attempt failed (SMTP server down) leaves the last success where it was.
    """
    if report.sent == 0 and (report.retry or report.failed):
        return False
    with make_session_factory(engine)() as session:
        q.record_heartbeat(session, SENDER, now)
        session.commit()
    return True


def _check_migrations(revision: str | None, report: HealthReport) -> None:
    head = heads()
    if revision is None:
        report.problems.append("Die Datenbank ist nicht migriert: `alembic upgrade head` (oder ein App-Start) fehlt.")
    elif revision not in head:
        report.problems.append(
            f"Die Datenbank steht auf Migration {revision}, der Code erwartet {', '.join(head)}: "
            "migriere sie (`alembic upgrade head`) oder starte die passende Version."
        )
    else:
        report.facts.append(f"Migration {revision} (aktuell)")


def _check_outbox(oldest: datetime | None, now: datetime, limits: HealthLimits, report: HealthReport) -> None:
    if oldest is None:
        report.facts.append("Postausgang leer")
        return
    age = now - oldest
    if age > limits.outbox_max_age:
        report.problems.append(
            f"Im Postausgang wartet eine Mail seit {_minutes(age)} Minuten (seit {format_datetime(oldest)}): "
            "läuft der Mailversand (`cockpit-mail.service`) und erreicht er den SMTP-Server?"
        )
    else:
        report.facts.append(f"älteste wartende Mail {_minutes(age)} Minuten alt")


def _check_sender(last: datetime | None, now: datetime, limits: HealthLimits, report: HealthReport) -> None:
    if last is None:
        report.problems.append("Der Mailversand hat noch nie erfolgreich gearbeitet (`cockpit-mail.service` starten).")
    elif now - last > limits.sender_max_age:
        report.problems.append(
            f"Der Mailversand hat zuletzt vor {_minutes(now - last)} Minuten erfolgreich gearbeitet "
            f"({format_datetime(last)}): sieh in `journalctl -u cockpit-mail` nach."
        )
    else:
        report.facts.append(f"Mailversand zuletzt vor {_minutes(now - last)} Minuten erfolgreich")


def _check_connections(limits_db: q.ConnectionLimits | None, limits: HealthLimits, report: HealthReport) -> None:
    if limits_db is None:  # SQLite: no connection limit
        return
    free = limits_db.max_connections - limits_db.reserved
    report.facts.append(f"PostgreSQL-Verbindungen: {limits_db.in_use} von {free} belegt")
    if limits.app_processes <= 0:
        return
    problem = connection_budget_problem(
        limits.app_processes, limits.connections_per_process, limits_db.max_connections, limits_db.reserved
    )
    if problem:
        report.problems.append(problem)
    else:
        need = (limits.app_processes + OTHER_CLIENTS) * limits.connections_per_process
        report.facts.append(
            f"{limits.app_processes} App-Prozesse brauchen höchstens {need} Verbindungen (unter {free})"
        )


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)

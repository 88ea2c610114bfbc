"""The operator's health check on SQLite and PostgreSQL: database, migrations, outbox age, the sender's last success."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from db.engine import make_session_factory
from db.migrate import heads
from db.models import MailOutbox
from db.queries.health import record_heartbeat
from db.types import utcnow
from services.core.health import HealthLimits, check_health, note_sender_run
from services.mail.outbox import enqueue
from services.mail.sender import deliver_due
from tests.support.smtp import free_port
from tests.support.smtp import smtp_settings as _settings

ROOT = Path(__file__).resolve().parents[2]


def _queue(engine, created_minutes_ago: float = 0) -> int:
    with make_session_factory(engine)() as s:
        mail = enqueue(s, "helferin@example.org", "Vermittlung", "Hallo", "service", "assignment", 7)
        mail.created_at = mail.next_attempt_at = utcnow() - timedelta(minutes=created_minutes_ago)
        s.commit()
        return mail.id


def test_a_fresh_installation_is_healthy_once_the_sender_ran(empty_engine, smtp_server):
    before = check_health(empty_engine)
    assert not before.ok
    assert before.problems == ["Der Mailversand hat noch nie erfolgreich gearbeitet (`cockpit-mail.service` starten)."]
    ctl, inbox = smtp_server
    _queue(empty_engine)
    report = deliver_due(empty_engine, _settings(ctl.port))
    assert report.sent == 1 and note_sender_run(empty_engine, report)
    after = check_health(empty_engine)
    assert after.ok, after.problems
    assert f"Migration {heads()[0]} (aktuell)" in after.facts


def test_a_sender_that_cannot_reach_smtp_goes_stale_and_recovers(empty_engine, smtp_server):
    ctl, _ = smtp_server
    long_ago = utcnow() - timedelta(minutes=45)
    _queue(empty_engine, created_minutes_ago=40)
    # The SMTP server is down: the run fails every attempt and does not count as a success.
    down = deliver_due(empty_engine, _settings(free_port()))
    assert down.sent == 0 and not note_sender_run(empty_engine, down)
    with make_session_factory(empty_engine)() as s:  # the last success was 45 minutes ago
        record_heartbeat(s, "mail_sender", long_ago)
        s.commit()
    sick = check_health(empty_engine)
    assert len(sick.problems) == 2
    assert sick.problems[0].startswith("Im Postausgang wartet eine Mail seit 40 Minuten")
    assert sick.problems[1].startswith("Der Mailversand hat zuletzt vor 45 Minuten erfolgreich gearbeitet")
    # SMTP is back: the retry goes out, the outbox is empty, the sender counts as alive again.
    with make_session_factory(empty_engine)() as s:
        s.query(MailOutbox).update({MailOutbox.next_attempt_at: utcnow() - timedelta(seconds=1)})
        s.commit()
    up = deliver_due(empty_engine, _settings(ctl.port))
    assert up.sent == 1 and note_sender_run(empty_engine, up)
    assert check_health(empty_engine).ok


def test_a_database_behind_the_code_is_named(empty_engine):
    with empty_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    report = check_health(empty_engine, HealthLimits(check_sender=False))
    assert report.problems == [
        f"Die Datenbank steht auf Migration 0012, der Code erwartet {heads()[0]}: "
        "migriere sie (`alembic upgrade head`) oder starte die passende Version."
    ]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "healthcheck"), *args],
        env={"COCKPIT_PYTHON": sys.executable, "PATH": "/usr/bin:/bin", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_fails_in_german_on_an_unreachable_database_and_passes_on_a_good_one(empty_engine):
    dead = _run("--database-url", f"postgresql+psycopg://cockpit:cockpit@127.0.0.1:{free_port()}/cockpit")
    assert dead.returncode == 1
    assert "FEHLER: Die Datenbank ist nicht erreichbar" in dead.stderr
    url = empty_engine.url.render_as_string(hide_password=False)
    good = _run("--database-url", url, "--no-sender")
    assert good.returncode == 0, good.stderr
    assert "ok: Datenbank erreichbar" in good.stdout and good.stderr == ""


def test_postgres_connections_are_counted_and_too_many_processes_are_named(empty_engine):
    fits = check_health(empty_engine, HealthLimits(check_sender=False, app_processes=2, connections_per_process=10))
    too_many = check_health(empty_engine, HealthLimits(check_sender=False, app_processes=1000))
    if empty_engine.dialect.name != "postgresql":  # SQLite has no connection limit to check
        assert fits.ok and too_many.ok
        assert not any("Verbindungen" in fact for fact in fits.facts + too_many.facts)
        return
    with empty_engine.connect() as conn:
        max_connections = int(conn.execute(text("SHOW max_connections")).scalar())
    assert fits.ok, fits.problems
    in_use = next(f for f in fits.facts if f.startswith("PostgreSQL-Verbindungen: "))
    used, free = map(int, re.fullmatch(r"PostgreSQL-Verbindungen: (\d+) von (\d+) belegt", in_use).groups())
    assert 1 <= used < free < max_connections  # this check's own connection, and the reserved slots
    assert "2 App-Prozesse brauchen höchstens 50 Verbindungen" in " ".join(fits.facts)
    assert len(too_many.problems) == 1
    assert too_many.problems[0].startswith("1000 App-Prozesse und 3 weitere Verbindungsnutzer")
    assert f"(max_connections {max_connections} minus" in too_many.problems[0]


def test_the_command_checks_the_connections_for_the_processes_it_is_told(empty_engine):
    url = empty_engine.url.render_as_string(hide_password=False)
    # As deploy/up runs it: the installation's environment file names the database and the pools.
    env = {"DATABASE_URL": url, "DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "2"}
    few = _run("--no-sender", "--app-processes", "2", env=env)
    many = _run("--no-sender", "--app-processes", "1000", env=env)
    assert few.returncode == 0, few.stderr
    if empty_engine.dialect.name != "postgresql":
        assert many.returncode == 0
        return
    assert "ok: 2 App-Prozesse brauchen höchstens 30 Verbindungen" in few.stdout  # (2 + 3) x (4 + 2)
    assert many.returncode == 1
    assert "mit je bis zu 6 Verbindungen" in many.stderr and many.stderr.startswith("FEHLER: 1000 App-Prozesse")

"""Backups while the Cockpit runs, and a restore that does not bring erased people back.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot while the app
reads and writes. PostgreSQL: `pg_dump -Fc` (a consistent snapshot too); restore with `pg_restore
--clean --single-transaction`. Each backup gets a small manifest beside it (<file>.json: time,
backend, highest audit id), no personal data.

Erasures after a backup must survive its restore (GDPR Art. 17): every erasure leaves a tombstone in
the database and, with BACKUP_DIR set, a line in BACKUP_DIR/erasures.jsonl (services/privacy/tombstones).
A restore reads both — the journal and the live database's tombstones, before it is overwritten —
restores, migrates to the current schema and erases those people again through the same erasure
(a tombstone applies only to a contact created before it: an id that came back is someone else).
Audit events written after the backup are carried over: restoring data never shortens the audit log.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.migrate import upgrade
from db.models import AuditEvent, Contact
from db.types import utcnow
from domain.errors import UserError
from services.core import audit
from services.core.scope import Scope
from services.privacy import erasure, tombstones

SYSTEM = Scope(role="admin", user_id=None, username="system:backup")


class BackupError(UserError):
    """A backup or restore that cannot be done (German message)."""


@dataclass(frozen=True)
class BackupInfo:
    """A backup file and its manifest."""

    file: str
    backend: str
    bytes: int
    created_at: str
    audit_max_id: int
    tombstones: int


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: erasures re-applied, tombstones added, audit events carried over."""

    restored_from: str
    backend: str
    tombstones: int
    reapplied: int
    tombstones_added: int
    audit_carried_over: int


def backend_of(url: str) -> str:
    """'sqlite' or 'postgresql'."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Sicherungen gibt es nur für SQLite und PostgreSQL, nicht für {name}.")
    return name


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Eine SQLite-Datenbank im Speicher lässt sich nicht sichern.")
    return Path(database)


# --- PostgreSQL tools -------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else the newest /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", Path(path).parents[1].name)) or (0,)

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if not candidates:
        raise BackupError(f"{name} fehlt: installiere den PostgreSQL-Client (Debian: postgresql-client).")
    return candidates[-1]


def _libpq(url: str) -> tuple[str, dict]:
    """(connection string without password, environment with PGPASSWORD) for pg_dump/pg_restore.

    The password goes through the environment: a command line is visible to every user of the machine.
    """
    u = make_url(url)
    parts = {"host": u.host, "port": u.port, "user": u.username, "dbname": u.database, **dict(u.query)}

    def quote(value) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    conninfo = " ".join(f"{k}={quote(v)}" for k, v in parts.items() if v not in (None, ""))
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return conninfo, env


def _run(cmd: list[str], env: dict, what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # pg_* messages name objects and options, not rows: safe to show.
        raise BackupError(f"{what} ist fehlgeschlagen: {done.stderr.strip()[-800:]}")


# --- create -------------------------------------------------------------------------------------


def create(url: str, folder: Path | str, now: datetime | None = None) -> BackupInfo:
    """Back up the database behind url into folder while it is in use; returns the file and its manifest."""
    backend = backend_of(url)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or utcnow()
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"cockpit-{stamp}.{'sqlite' if backend == 'sqlite' else 'dump'}"
    engine = make_engine(url, read_only=True)  # SQLite: a reader never waits for the app's writes
    try:
        # Erasures made while BACKUP_DIR was unset get their journal lines now (the file is the copy
        # that outlives every backup).
        with Session(engine) as session:
            stones = tombstones.in_database(session)
            audit_max = session.scalar(select(func.max(AuditEvent.id))) or 0
        _complete_journal(folder, stones)
    finally:
        engine.dispose()
    partial = target.with_name(target.name + ".partial")
    if backend == "sqlite":
        _sqlite_backup(sqlite_path(url), partial)
    else:
        conninfo, env = _libpq(url)
        _run([pg_tool("pg_dump"), "--format=custom", "--file", str(partial), "--dbname", conninfo], env, "pg_dump")
    partial.replace(target)
    info = BackupInfo(str(target), backend, target.stat().st_size, now.isoformat(), int(audit_max), len(stones))
    manifest_of(target).write_text(json.dumps(asdict(info), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return info


def manifest_of(backup_file: Path | str) -> Path:
    """The manifest beside a backup file."""
    path = Path(backup_file)
    return path.with_name(path.name + ".json")


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"Die Datenbankdatei {source} gibt es nicht.")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # One step: a consistent snapshot; WAL lets the app go on writing meanwhile.
        src.backup(dst)
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("Die Sicherung ist beschädigt (quick_check); bitte noch einmal versuchen.")
    finally:
        dst.close()
        src.close()


def _complete_journal(folder: Path, stones: list[dict]) -> None:
    have = {(e["contact_id"], e["erased_at"]) for e in tombstones.read_journal(folder)}
    tombstones.append(folder, [s for s in stones if (s["contact_id"], s["erased_at"]) not in have])


# --- restore ------------------------------------------------------------------------------------


def restore(url: str, backup_file: Path | str, folder: Path | str | None = None) -> RestoreResult:
    """Replace the database behind url with the backup, then erase again everyone erased since.

    folder holds the erasure journal (default: the backup file's folder). Stop the Cockpit first:
    a restore replaces the whole database.
    """
    backend = backend_of(url)
    backup_file = Path(backup_file)
    if not backup_file.exists():
        raise BackupError(f"Die Sicherung {backup_file} gibt es nicht.")
    folder = Path(folder) if folder else backup_file.parent
    live_stones, carried = _read_live(url, backup_file)
    entries = tombstones.read_journal(folder) + live_stones
    if backend == "sqlite":
        _sqlite_restore(backup_file, sqlite_path(url))
    else:
        _pg_restore(url, backup_file)
    engine = make_engine(url)
    try:
        upgrade(engine)  # a backup from an older version gets today's schema (and the tombstone table)
        with Session(engine) as session:
            added_events = _carry_over(session, carried)
            reapplied, added = reapply(session, SYSTEM, entries)
            audit.record(
                session,
                SYSTEM,
                "backup_restored",
                "backup",
                backup_file.name,
                reapplied=reapplied,
                tombstones_added=added,
                audit_carried_over=added_events,
            )
            session.commit()
            _complete_journal(folder, tombstones.in_database(session))
    finally:
        engine.dispose()
    unique = {(e["contact_id"], e["erased_at"]) for e in entries}
    return RestoreResult(str(backup_file), backend, len(unique), reapplied, added, added_events)


def _read_live(url: str, backup_file: Path) -> tuple[list[dict], list[dict]]:
    """Tombstones and the audit events newer than the backup from the database about to be replaced.

    A missing or broken database (the reason for many restores) yields nothing: the journal remains.
    """
    if backend_of(url) == "sqlite" and not sqlite_path(url).exists():
        return [], []
    since_id = 0
    manifest = manifest_of(backup_file)
    if manifest.exists():
        since_id = int(json.loads(manifest.read_text(encoding="utf-8")).get("audit_max_id", 0))
    engine = make_engine(url, read_only=True)
    try:
        with Session(engine) as session:
            stones = tombstones.in_database(session)
            cols = AuditEvent.__table__.c
            events = [dict(r._mapping) for r in session.execute(select(cols).where(cols.id > since_id))]
        return stones, events
    except SQLAlchemyError:
        return [], []
    finally:
        engine.dispose()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    src = sqlite3.connect(backup_file)
    try:
        if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"Die Sicherung {backup_file} ist beschädigt; es wurde nichts wiederhergestellt.")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # page by page under the target's write lock: all or nothing
        finally:
            dst.close()
    finally:
        src.close()


# The schema is replaced as a whole: a newer schema's tables (from a later migration) would otherwise
# hold foreign keys to the tables pg_restore --clean drops. One transaction: a failure changes nothing.
_PG_FRESH_SCHEMA = (
    "DROP SCHEMA public CASCADE;\n"
    "CREATE SCHEMA public AUTHORIZATION pg_database_owner;\n"
    "GRANT USAGE ON SCHEMA public TO PUBLIC;\n"
)


def _pg_restore(url: str, backup_file: Path) -> None:
    """pg_restore's script of the dump, after a fresh public schema, through psql in one transaction."""
    conninfo, env = _libpq(url)
    env["PGOPTIONS"] = "-c client_min_messages=warning"  # no notice per dropped object
    listing = subprocess.run([pg_tool("pg_restore"), "--list", str(backup_file)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"{backup_file} ist keine lesbare pg_dump-Sicherung; es wurde nichts wiederhergestellt.")
    script = subprocess.Popen(
        [pg_tool("pg_restore"), "--no-owner", "--file", "-", str(backup_file)], stdout=subprocess.PIPE, env=env
    )
    psql = subprocess.Popen(
        [pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "--dbname", conninfo],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        psql.stdin.write(_PG_FRESH_SCHEMA.encode())
        shutil.copyfileobj(script.stdout, psql.stdin, 1 << 20)
        psql.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped at an error: its message follows
    script.wait()
    errors = psql.stderr.read().decode(errors="replace")
    if psql.wait() != 0 or script.returncode != 0:
        raise BackupError(f"Die Wiederherstellung ist fehlgeschlagen, die Datenbank ist unverändert: {errors[-800:]}")


def _carry_over(session: Session, events: list[dict]) -> int:
    """Insert the live audit events the backup does not have (same ids); returns how many."""
    if not events:
        return 0
    present = set(session.scalars(select(AuditEvent.id).where(AuditEvent.id.in_([e["id"] for e in events]))))
    missing = [e for e in events if e["id"] not in present]
    if missing:
        session.execute(insert(AuditEvent.__table__), missing)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), (SELECT max(id) FROM audit_event))")
            )
    return len(missing)


def reapply(session: Session, scope: Scope, entries: list[dict]) -> tuple[int, int]:
    """Erase again everyone a tombstone names, and add missing tombstone rows; (re-erased, rows added).

    A tombstone applies to a contact created before its erasure only: SQLite hands out the highest id
    + 1 again, so a later person may carry an erased person's id. Nothing is committed here.
    """
    present = {(e["contact_id"], e["erased_at"]) for e in tombstones.in_database(session)}
    unique = {(e["contact_id"], e["erased_at"]): e for e in entries}
    reapplied = added = 0
    for key in sorted(unique, key=lambda k: k[1]):
        if key in present:
            continue
        entry = unique[key]
        cid, at = entry["contact_id"], datetime.fromisoformat(entry["erased_at"])
        contact = session.get(Contact, cid)
        if contact is not None and contact.created_at <= at:
            erasure.erase_contact(session, cid, entry["reason"], erased_at=at, journal=False)
            audit.record(session, scope, "erasure_reapplied", "contact", cid, reason=entry["reason"])
            reapplied += 1
        else:
            tombstones.record(session, cid, entry["reason"], at, journal=False)
            added += 1
        session.flush()
    return reapplied, added

"""Erasure tombstones: what survives an erased person (id, when, why), inside and outside the database.

Every erasure (Art. 17, retention) writes a row to erasure_tombstone. When BACKUP_DIR is set it
also appends one line to BACKUP_DIR/erasures.jsonl once the erasure is committed: a backup taken
before the erasure still holds the person, and a restore erases them again from these lines and
from the live database's table (services/core/backup.py). The file is append-only and holds no
personal data: contact id, time, reason.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import ErasureTombstone
from services.core.settings import get_settings

ART17 = "art17"
RETENTION = "retention"
REASONS = {ART17: "Löschung auf Antrag (Art. 17)", RETENTION: "Aufbewahrungsfrist abgelaufen"}
JOURNAL_NAME = "erasures.jsonl"
_PENDING = "erasure_journal_pending"
log = logging.getLogger(__name__)


def record(session: Session, contact_id: int, reason: str, erased_at: datetime, journal: bool = True) -> None:
    """Add the tombstone row; with journal, append its line to the journal once the session commits."""
    if reason not in REASONS:
        raise ValueError(f"unknown erasure reason {reason!r}")
    session.add(ErasureTombstone(contact_id=int(contact_id), erased_at=erased_at, reason=reason))
    if journal:
        _pending(session).append(line(contact_id, erased_at, reason))


def line(contact_id: int, erased_at: datetime, reason: str) -> dict:
    """One journal entry (also the form backups compare)."""
    return {"contact_id": int(contact_id), "erased_at": erased_at.isoformat(), "reason": reason}


def _pending(session: Session) -> list[dict]:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _write_pending)
        event.listen(session, "after_rollback", _drop_pending)
    return pending


def _drop_pending(session: Session) -> None:
    session.info.get(_PENDING, []).clear()


def _write_pending(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    entries = list(pending)
    pending.clear()
    folder = get_settings().backup_dir
    if not folder:
        return
    try:
        append(Path(folder), entries)
    except OSError:
        # The erasure is committed and its row is in erasure_tombstone, which a restore reads too.
        log.exception("erasure journal in %s not written (%d entries)", folder, len(entries))


def journal_path(folder: Path | str) -> Path:
    """The journal file in a backup folder."""
    return Path(folder) / JOURNAL_NAME


def append(folder: Path | str, entries: list[dict]) -> None:
    """Append entries to the folder's journal (created if missing), flushed to disk."""
    if not entries:
        return
    path = journal_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
    if path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                payload = "\n" + payload  # a line cut off by a crash stays alone, unreadable; ours stay whole
    with path.open("a", encoding="utf-8") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())


def read_journal(folder: Path | str) -> list[dict]:
    """Every entry of the folder's journal, oldest first ([] when there is none; broken lines skipped)."""
    path = journal_path(folder)
    if not path.exists():
        return []
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(raw)
            entries.append(line(entry["contact_id"], datetime.fromisoformat(entry["erased_at"]), entry["reason"]))
        except (ValueError, KeyError, TypeError):
            continue  # a line cut off by a crash; the database table still holds it
    return entries


def in_database(session: Session) -> list[dict]:
    """Every tombstone of the database, as journal entries."""
    rows = session.execute(
        select(ErasureTombstone.contact_id, ErasureTombstone.erased_at, ErasureTombstone.reason).order_by(
            ErasureTombstone.id
        )
    )
    return [line(cid, at, reason) for cid, at, reason in rows]

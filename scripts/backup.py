"""Back up the Cockpit's database while it runs, or restore a backup; prints a JSON summary.

Usage:
  python -m scripts.backup create [--dir DIR] [--database-url URL]
  python -m scripts.backup restore FILE --yes [--dir DIR] [--database-url URL]

DIR defaults to BACKUP_DIR. SQLite uses the online backup API, PostgreSQL `pg_dump -Fc` (restore
with pg_restore; run it as the owner of the schema, with the Cockpit stopped). After a restore,
everyone erased since the backup (BACKUP_DIR/erasures.jsonl and the replaced database's tombstones)
is erased again, and audit events newer than the backup are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.core import backup  # noqa: E402
from services.core.settings import get_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run one backup or restore; returns the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="back up now (while the Cockpit runs)")
    back = sub.add_parser("restore", help="replace the database with a backup, then re-apply erasures")
    back.add_argument("file", help="the backup file (cockpit-*.sqlite or cockpit-*.dump)")
    back.add_argument("--yes", action="store_true", help="yes, replace the whole database")
    for p in (make, back):
        p.add_argument("--dir", default=None, help="backup folder (default: BACKUP_DIR)")
        p.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    settings = get_settings()
    url = args.database_url or settings.database_url
    folder = args.dir or settings.backup_dir
    try:
        if args.command == "create":
            if not folder:
                raise backup.BackupError("Kein Ordner für Sicherungen: setze BACKUP_DIR oder gib --dir an.")
            result = asdict(backup.create(url, folder))
        else:
            if not args.yes:
                raise backup.BackupError(
                    "Eine Wiederherstellung ersetzt die ganze Datenbank. Halte das Cockpit an und bestätige mit --yes."
                )
            result = asdict(backup.restore(url, args.file, folder or None))
    except backup.BackupError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False), flush=True)
        return 1
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

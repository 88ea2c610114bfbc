"""Scheduled import of lists of people from a file or a folder, through the same code as the Import page.

Usage: python -m scripts.import_contacts FILE_OR_FOLDER --source infostand --as USERNAME
         [--preset NAME] [--evidence TEXT --consent information:email ...] [--date YYYY-MM-DD]
         [--place TEXT] [--sheet NAME] [--unconfirmed] [--dry-run] [--database-url URL]
--unconfirmed: the people a file creates wait for a confirmation mail (double opt-in); people it adds to
stay as they are. Prints one JSON summary per file (created, merged, review, rejected, per_kv). --dry-run writes nothing.
A folder is read for *.csv, *.xlsx and *.ods; a file imported without error moves to its
subfolder `importiert/`, so the next run does not import it again. Exit code 1 when a file failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import make_engine  # noqa: E402
from domain.errors import UserError  # noqa: E402
from services.admin.accounts import account_scope  # noqa: E402
from services.core.runtime import session_scope  # noqa: E402
from services.core.settings import get_settings  # noqa: E402
from services.intake import importer, upload  # noqa: E402
from services.intake.importer import ListInfo  # noqa: E402

SUFFIXES = (".csv", ".xlsx", ".ods")
DONE = "importiert"


def _consents(values: list[str]) -> tuple:
    out = []
    for v in values:
        purpose, _, channel = v.partition(":")
        out.append((purpose, channel or None))
    return tuple(out)


def _files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [target]


def import_file(engine, username: str, path: Path, args) -> dict:
    """Plan (dry run) or import one file as the given account; the JSON summary."""
    data = path.read_bytes()
    info = ListInfo(
        file_name=path.name,
        source=args.source,
        source_date=args.date,
        place=args.place,
        evidence=args.evidence,
        consents=_consents(args.consent),
        sheet=args.sheet,
        unconfirmed=args.unconfirmed,
    )
    with session_scope(engine) as session:
        scope = account_scope(session, username)
        if args.preset:
            presets = upload.presets(session, scope)
            if args.preset not in presets:
                raise UserError(f"Eine Zuordnung „{args.preset}“ gibt es nicht.")
            mapping = presets[args.preset]["mapping"]
        else:
            mapping = upload.inspect_file(session, scope, data, path.name, args.sheet).guess
        if args.dry_run:
            return {
                "file": path.name,
                "dry_run": True,
                **importer.plan_import(session, scope, data, mapping, info).counts(),
            }
        return {"file": path.name, **importer.run_import(session, scope, data, mapping, info)}


def main(argv: list[str] | None = None) -> int:
    """Import every file named; print a JSON summary per file; exit code 1 if one failed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", type=Path, help="eine Datei oder ein Ordner")
    ap.add_argument("--source", required=True, help="infostand, haustuer, veranstaltung, social_media, ...")
    ap.add_argument("--as", dest="username", required=True, help="das Konto, für das importiert wird (Gebiet)")
    ap.add_argument("--preset", default="", help="gespeicherte Zuordnung; ohne: aus den Spaltennamen erraten")
    ap.add_argument("--evidence", default="", help="Nachweis der Einwilligung für alle Zeilen")
    ap.add_argument("--consent", action="append", default=[], help="Zweck:Kanal, für den der Nachweis gilt")
    ap.add_argument("--date", type=date.fromisoformat, default=None)
    ap.add_argument("--place", default="")
    ap.add_argument("--sheet", default=None)
    ap.add_argument(
        "--unconfirmed", action="store_true", help="unbestätigt – neue Personen brauchen eine Bestätigungsmail"
    )
    ap.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    engine = make_engine(args.database_url or get_settings().database_url)
    failed = False
    try:
        for path in _files(args.target):
            try:
                summary = import_file(engine, args.username, path, args)
            except UserError as exc:
                failed = True
                summary = {"file": path.name, "error": str(exc)}
            else:
                if args.target.is_dir() and not args.dry_run:
                    (args.target / DONE).mkdir(exist_ok=True)
                    path.rename(args.target / DONE / path.name)
            print(json.dumps(summary, ensure_ascii=False, default=str))
    finally:
        engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

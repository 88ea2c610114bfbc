"""Create an admin user outside demo mode: python -m scripts.create_admin --username X [--password-stdin]."""

from __future__ import annotations

import argparse
import getpass
import sys

from db.engine import make_engine
from domain.errors import UserError
from services.admin.accounts import create_user
from services.core.bootstrap import prepare_database
from services.core.runtime import session_scope
from services.core.scope import Scope
from services.core.settings import get_settings

# The first admin has nobody to act for it: the audit names the command line as actor.
CLI_SCOPE = Scope(role="admin", user_id=None, username="cli")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise UserError("Die beiden Passwörter stimmen nicht überein.")
    return first


def main(argv: list[str] | None = None) -> int:
    """Migrate the configured database (DATABASE_URL) and add an admin; returns the exit code."""
    parser = argparse.ArgumentParser(description="Legt eine:n Administrator:in an (DATABASE_URL).")
    parser.add_argument("--username", required=True)
    parser.add_argument("--display-name", default="")
    parser.add_argument("--email", default="")
    parser.add_argument("--password-stdin", action="store_true", help="Passwort als erste Zeile von stdin lesen")
    parser.add_argument("--database-url", default=None, help="statt DATABASE_URL")
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = make_engine(args.database_url or settings.database_url)
    try:
        prepare_database(engine, settings)
        password = _read_password(args.password_stdin)
        with session_scope(engine) as session:
            user_id = create_user(
                session,
                CLI_SCOPE,
                args.username,
                args.display_name or args.username,
                "admin",
                password,
                email=args.email,
            )
    except UserError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Administrator:in {args.username} angelegt (id {user_id}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

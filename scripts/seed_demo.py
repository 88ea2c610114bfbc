"""Seed deterministic demo data: python -m scripts.seed_demo --contacts N [--database-url URL] [--seed 42] [--reset]."""

from __future__ import annotations

import argparse
import sys
import time

from db.engine import make_engine
from db.migrate import upgrade
from domain.errors import UserError
from services.seed import DEMO_PASSWORD, seed_demo


class TextProgress:
    """A plain text progress bar on stderr (no extra dependency)."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        """Start the clock; the bar redraws in place."""
        self.stream, self.width, self.started = stream, width, time.perf_counter()

    def __call__(self, fraction: float, message: str) -> None:
        """Redraw the bar at fraction (0..1) with a message."""
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(round(self.width * fraction))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r[{bar}] {fraction * 100:5.1f} %  {elapsed:6.1f} s  {message[:48]:<48}")
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


def _seed_mailings(engine, url: str, counts: dict) -> dict[str, str]:
    """The demo Info and survey, their links signed with the secret the app on this database will use."""
    import os

    from services.core.settings import get_settings
    from services.seed.mailings import demo_links, seed_demo_mailings

    os.environ["DATABASE_URL"] = url  # the link secret belongs to the database (demo: a file beside it)
    if url.startswith("sqlite") and not os.environ.get("LINK_SECRET"):
        os.environ["DEMO_MODE"] = "1"
    get_settings.cache_clear()
    if len(get_settings().link_secret.encode()) < 32:
        print("\nOhne LINK_SECRET keine Demo-Info und -Befragung (persönliche Links brauchen ihn).", file=sys.stderr)
        return {}
    counts.update(seed_demo_mailings(engine))
    return demo_links(engine)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, migrate, seed, print a summary; returns the exit code."""
    parser = argparse.ArgumentParser(description="Linksaktiv Cockpit: synthetische Demodaten anlegen")
    parser.add_argument("--contacts", type=int, required=True, help="Anzahl Kontakte")
    parser.add_argument("--database-url", default=None, help="Standard: DATABASE_URL bzw. die Demo-SQLite-Datei")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reset", action="store_true", help="vorhandene Daten vorher löschen")
    parser.add_argument(
        "--without-mailings", action="store_true", help="ohne die verschickte Demo-Info und Demo-Befragung"
    )
    args = parser.parse_args(argv)
    if args.contacts < 0:
        parser.error("--contacts darf nicht negativ sein")
    url = args.database_url
    if url is None:
        from services.core.settings import get_settings

        url = get_settings().database_url
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        upgrade(engine)
        counts = seed_demo(engine, contacts=args.contacts, seed=args.seed, progress=TextProgress(), reset=args.reset)
        if not args.without_mailings:
            links = _seed_mailings(engine, url, counts)
    except UserError as exc:
        print(f"\nFehler: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    took = time.perf_counter() - started
    print(f"Fertig in {took:.1f} s: " + ", ".join(f"{t} {n:,}".replace(",", ".") for t, n in counts.items()))
    print(f"Demo-Passwort aller Demo-Nutzer:innen: {DEMO_PASSWORD}")
    if not args.without_mailings:
        print("So sieht es für Empfänger:innen aus (Links aus Mails, die im Postausgang warten):")
        for name, url in links.items():
            print(f"  {name}: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

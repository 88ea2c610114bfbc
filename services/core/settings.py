"""Settings from the environment, overriding `.streamlit/secrets.toml`; readable without Streamlit."""

from __future__ import annotations

import contextlib
import os
import secrets as random_secrets
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import make_url

from domain.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
DEMO_DB_PATH = ROOT / "data" / "cockpit.sqlite"
EXAMPLE_COOKIE_KEY = "change-me-to-a-random-string-of-at-least-32-bytes"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# The fixed demo key of earlier versions: public, so refused everywhere (demo mode makes its own).
DEMO_COOKIE_KEY = "demo-only-cookie-key-0123456789abcdef0123456789"
COOKIE_KEY_FILE = ".cookie_key"
LINK_KEY_FILE = ".link_key"  # the demo's secret for personal links (services/links/tokens.py)
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8501"


@dataclass(frozen=True)
class Reach:
    """The reach of an office (DESIGN §2): the configured default and the bounds every slider and service use."""

    default_km: float
    min_km: float = 5.0
    max_km: float = 60.0

    def for_scope(self, sees_persons: bool, requested_km: float | None) -> float:
        """The reach a view uses: leitung always the configured one (two reaches would reveal the PLZ between)."""
        if not sees_persons or requested_km is None:
            return self.default_km
        return float(requested_km)

    def check(self, km: float) -> None:
        """Refuse a reach outside the bounds with a German message."""
        if not self.min_km <= float(km) <= self.max_km:
            raise ValidationError(f"Die Reichweite muss zwischen {self.min_km:g} und {self.max_km:g} km liegen.")


DEFAULT_LABEL_SENDER = "Linksaktiv-Team · Kleine Alexanderstraße 28 · 10178 Berlin"


DEFAULT_PASSWORD_HELP = "Passwort vergessen? Wende dich an die Administration deines Landesverbands."


class ConfigError(RuntimeError):
    """Raised when the configuration does not allow a safe start."""


@dataclass(frozen=True)
class Settings:
    """All settings the Cockpit reads; see README "Konfiguration"."""

    database_url: str
    demo_mode: bool
    cookie_key: str
    cookie_name: str = "linksaktiv_cockpit"
    cookie_expiry_days: float = 1.0
    office_reach_km: float = 15.0
    demo_contacts: int = 5000
    tile_url: str = DEFAULT_TILE_URL
    tile_attribution: str = "© OpenStreetMap-Mitwirkende"
    max_calls_per_30_days: int = 4
    max_infos_per_30_days: int = 4  # Linksaktiv-Infos per person, counted apart from calls to action
    import_max_mb: float = 20.0
    idle_timeout_minutes: int = 60
    retention_months: int = 24
    backup_dir: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "linksaktiv@example.org"
    label_sender: str = DEFAULT_LABEL_SENDER  # return address printed small on each address label
    # Personal links in mails (issue 10, services/links): signing secret, expiry, where they point.
    link_secret: str = ""
    link_max_age_days: int = 60
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    public_only: bool = False  # this instance serves only the public link pages (no login)
    link_rate_limit: int = 60  # link page runs per IP address and minute
    password_help: str = DEFAULT_PASSWORD_HELP  # on the login page: whom to ask for a forgotten password
    # PostgreSQL connections per process (pool + overflow); all processes together stay below max_connections.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    extra: dict = field(default_factory=dict)

    @property
    def reach(self) -> Reach:
        """The office reach with its bounds (the default may lie outside 5–60 km: the bounds widen to hold it)."""
        km = float(self.office_reach_km)
        return Reach(default_km=km, min_km=min(5.0, km), max_km=max(60.0, km))

    def validate(self) -> None:
        """Refuse an unsafe configuration: a public or short cookie key, demo mode on a real database."""
        if self.demo_mode and make_url(self.database_url).get_backend_name() != "sqlite":
            # Demo users share a published password: never on PostgreSQL (or any shared database).
            raise ConfigError(
                "Der Demo-Modus läuft nur auf einer SQLite-Datei, nicht auf dieser DATABASE_URL. "
                "Setze DEMO_MODE=0 und einen eigenen COOKIE_KEY für den Betrieb."
            )
        key = self.cookie_key or ""
        if not key or key in (EXAMPLE_COOKIE_KEY, DEMO_COOKIE_KEY):
            raise ConfigError(
                "COOKIE_KEY fehlt oder ist der Beispielwert. Setze einen zufälligen Schlüssel "
                "(mindestens 32 Bytes), bevor du das Cockpit außerhalb des Demo-Modus startest."
            )
        if len(key.encode()) < 32:
            raise ConfigError("COOKIE_KEY ist zu kurz: er braucht mindestens 32 Bytes.")
        if len((self.link_secret or "").encode()) < 32:
            raise ConfigError(
                "LINK_SECRET fehlt oder ist zu kurz. Setze einen zufälligen Schlüssel (mindestens 32 Bytes) "
                "für die persönlichen Links in Mails, bevor du das Cockpit außerhalb des Demo-Modus startest."
            )


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    # Keys are compared case-insensitively so secrets.toml and env look alike.
    return {str(k).upper(): v for k, v in data.items() if not isinstance(v, dict)}


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "ja", "on"}


def load_settings(env: dict | None = None, secrets_path: Path | None = None) -> Settings:
    """Build Settings: environment first, then secrets.toml, then defaults."""
    env = dict(os.environ if env is None else env)
    secrets = _read_secrets(secrets_path or ROOT / ".streamlit" / "secrets.toml")

    def get(name: str, default=None):
        if name in env and env[name] != "":
            return env[name]
        return secrets.get(name, default)

    url = get("DATABASE_URL")
    demo = url is None or _truthy(get("DEMO_MODE", "0"))
    if url is None:
        url = f"sqlite:///{DEMO_DB_PATH}"
    cookie_key = get("COOKIE_KEY") or (_demo_cookie_key(url) if demo else "")
    return Settings(
        database_url=url,
        demo_mode=demo,
        cookie_key=cookie_key,
        cookie_name=get("COOKIE_NAME", "linksaktiv_cockpit"),
        cookie_expiry_days=float(get("COOKIE_EXPIRY_DAYS", 1.0)),
        office_reach_km=float(get("OFFICE_REACH_KM", 15.0)),
        demo_contacts=int(get("DEMO_CONTACTS", 5000)),
        tile_url=_tile_url(env, secrets),
        tile_attribution=get("TILE_ATTRIBUTION", "© OpenStreetMap-Mitwirkende"),
        max_calls_per_30_days=int(get("MAX_CALLS_PER_30_DAYS", 4)),
        max_infos_per_30_days=int(get("MAX_INFOS_PER_30_DAYS", 4)),
        import_max_mb=float(get("IMPORT_MAX_MB", 20)),
        idle_timeout_minutes=int(get("IDLE_TIMEOUT_MINUTES", 60)),
        retention_months=_positive_int(get("RETENTION_MONTHS", 24), "RETENTION_MONTHS"),
        backup_dir=str(get("BACKUP_DIR", "") or ""),
        smtp_host=get("SMTP_HOST", "localhost"),
        smtp_port=int(get("SMTP_PORT", 25)),
        smtp_user=get("SMTP_USER", ""),
        smtp_password=get("SMTP_PASSWORD", ""),
        smtp_starttls=_truthy(get("SMTP_STARTTLS", "0")),
        mail_from=get("MAIL_FROM", "linksaktiv@example.org"),
        password_help=str(get("PASSWORD_HELP", DEFAULT_PASSWORD_HELP)),
        label_sender=str(get("LABEL_SENDER", DEFAULT_LABEL_SENDER)),
        link_secret=str(get("LINK_SECRET") or (_demo_key(url, LINK_KEY_FILE) if demo else "")),
        link_max_age_days=_positive_int(get("LINK_MAX_AGE_DAYS", 60), "LINK_MAX_AGE_DAYS"),
        public_base_url=str(get("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL)).rstrip("/"),
        public_only=_truthy(get("PUBLIC_ONLY", "0")),
        link_rate_limit=_positive_int(get("LINK_RATE_LIMIT", 60), "LINK_RATE_LIMIT"),
        db_pool_size=_positive_int(get("DB_POOL_SIZE", 5), "DB_POOL_SIZE"),
        db_max_overflow=int(get("DB_MAX_OVERFLOW", 5)),
    )


def _positive_int(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"{name} muss eine ganze Zahl ab 1 sein (nicht {value!r}).")
    return number


def _demo_cookie_key(database_url: str) -> str:
    """The demo installation's own random cookie key, kept beside its SQLite file (mode 0600).

    A fixed key in the code would let anyone sign an admin cookie. The key is made on first start
    and read on later ones, so logins survive a restart. Not for a non-SQLite URL: validate() refuses it.
    """
    return _demo_key(database_url, COOKIE_KEY_FILE)


def _demo_key(database_url: str, file_name: str) -> str:
    """A random key of the demo installation in file_name beside its SQLite file (made once, mode 0600)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return ""
    if not url.database or url.database == ":memory:":
        return random_secrets.token_urlsafe(48)  # nothing to keep it beside: valid for this process
    path = Path(url.database).resolve().parent / file_name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a private temporary file, then linked into place: a second process starting at
        # the same moment either wins the link or reads the finished key, never a half-written one.
        tmp = path.with_name(f"{file_name}.{os.getpid()}.{random_secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(random_secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # the other process was first: read its key
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path.read_text().strip()


def _tile_url(env: dict, secrets: dict) -> str:
    # Unlike other settings, an explicitly empty TILE_URL (or "off") means: no tiles at all.
    raw = env["TILE_URL"] if "TILE_URL" in env else secrets.get("TILE_URL", DEFAULT_TILE_URL)
    return "" if str(raw).strip().lower() in {"", "off", "none", "aus"} else str(raw)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()

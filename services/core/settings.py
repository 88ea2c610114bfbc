"""Settings from the environment, overriding `.streamlit/secrets.toml`; readable without Streamlit."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from domain.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
DEMO_DB_PATH = ROOT / "data" / "cockpit.sqlite"
EXAMPLE_COOKIE_KEY = "change-me-to-a-random-string-of-at-least-32-bytes"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEMO_COOKIE_KEY = "demo-only-cookie-key-0123456789abcdef0123456789"


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
    extra: dict = field(default_factory=dict)

    @property
    def reach(self) -> Reach:
        """The office reach with its bounds (the default may lie outside 5–60 km: the bounds widen to hold it)."""
        km = float(self.office_reach_km)
        return Reach(default_km=km, min_km=min(5.0, km), max_km=max(60.0, km))

    def validate(self) -> None:
        """Refuse an unsafe configuration outside demo mode."""
        if self.demo_mode:
            return
        key = self.cookie_key or ""
        if not key or key in (EXAMPLE_COOKIE_KEY, DEMO_COOKIE_KEY):
            raise ConfigError(
                "COOKIE_KEY fehlt oder ist der Beispielwert. Setze einen zufälligen Schlüssel "
                "(mindestens 32 Bytes), bevor du das Cockpit außerhalb des Demo-Modus startest."
            )
        if len(key.encode()) < 32:
            raise ConfigError("COOKIE_KEY ist zu kurz: er braucht mindestens 32 Bytes.")


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
    cookie_key = get("COOKIE_KEY") or (DEMO_COOKIE_KEY if demo else "")
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
    )


def _positive_int(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"{name} muss eine ganze Zahl ab 1 sein (nicht {value!r}).")
    return number


def _tile_url(env: dict, secrets: dict) -> str:
    # Unlike other settings, an explicitly empty TILE_URL (or "off") means: no tiles at all.
    raw = env["TILE_URL"] if "TILE_URL" in env else secrets.get("TILE_URL", DEFAULT_TILE_URL)
    return "" if str(raw).strip().lower() in {"", "off", "none", "aus"} else str(raw)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()

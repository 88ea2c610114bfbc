"""The one registry of pages: which roles may open each; navigation is built from it."""
from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = ("admin", "team", "land", "kreis", "leitung")
PERSON_ROLES = ("admin", "team", "land", "kreis")


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, title, icon, section and allowed roles."""

    path: str
    title: str
    icon: str
    section: str
    roles: tuple[str, ...]
    url_path: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/uebersicht.py", "Übersicht", ":material/dashboard:", "Arbeit", ALL_ROLES, "uebersicht", True),
    PageSpec("pages/kontakte.py", "Linksaktive", ":material/groups:", "Arbeit", PERSON_ROLES, "linksaktive"),
    PageSpec("pages/karte.py", "Karte", ":material/map:", "Arbeit", ALL_ROLES, "karte"),
    PageSpec("pages/aktionen.py", "Aktionsaufrufe", ":material/notifications_active:", "Arbeit", PERSON_ROLES, "aktionsaufrufe"),
    PageSpec("pages/zeitung_bestellen.py", "Zeitung bestellen", ":material/local_shipping:", "Zeitung", ("kreis", "land", "team"), "zeitung-bestellen"),
    PageSpec("pages/zeitung_sammel.py", "Sammelbestellung", ":material/inventory_2:", "Zeitung", ("land", "team"), "zeitung-sammel"),
    PageSpec("pages/zeitung_versand.py", "Zeitungsversand", ":material/outbox:", "Zeitung", ("team",), "zeitung-versand"),
    PageSpec("pages/zeitung_ausgaben.py", "Zeitungsausgaben", ":material/newspaper:", "Zeitung", ("team",), "zeitung-ausgaben"),
    PageSpec("pages/helfer_bedarf.py", "Bedarf", ":material/campaign:", "Helfer:innen", PERSON_ROLES, "helfer-bedarf"),
    PageSpec("pages/helfer_angebote.py", "Hilfsangebote", ":material/volunteer_activism:", "Helfer:innen", PERSON_ROLES, "helfer-angebote"),
    PageSpec("pages/helfer_vermittlung.py", "Vermittlung", ":material/hub:", "Helfer:innen", ("admin", "team", "land"), "helfer-vermittlung"),
    PageSpec("pages/helfer_karte.py", "Helfer:innen-Karte", ":material/travel_explore:", "Helfer:innen", ALL_ROLES, "helfer-karte"),
    PageSpec("pages/admin_users.py", "Benutzer:innen", ":material/group:", "Verwaltung", ("admin",), "benutzer"),
    PageSpec("pages/admin_offices.py", "Geschäftsstellen", ":material/store:", "Verwaltung", ("admin",), "geschaeftsstellen"),
    PageSpec("pages/admin_kv.py", "Kreisverbände", ":material/account_tree:", "Verwaltung", ("admin",), "kreisverbaende"),
    PageSpec("pages/admin_audit.py", "Audit-Log", ":material/history:", "Verwaltung", ("admin",), "audit"),
    PageSpec("pages/admin_dsr.py", "Datenschutz-Anfragen", ":material/privacy_tip:", "Verwaltung", ("admin",), "datenschutz"),
    PageSpec("pages/konto.py", "Mein Konto", ":material/person:", "Konto", ALL_ROLES, "konto"),
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages a role may open, in registry order."""
    return [p for p in PAGES if role in p.roles]


def may_open(role: str, path: str) -> bool:
    """Whether the role may open the page file at path."""
    return any(p.path == path and role in p.roles for p in PAGES)

"""The registry of pages: the kind of action each serves; who may open it comes from domain.roles."""

from __future__ import annotations

from dataclasses import dataclass

from domain.roles import roles_for


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, title, icon, section and the kind of action it serves (domain.roles.ACTIONS)."""

    path: str
    title: str
    icon: str
    section: str
    action: str
    url_path: str
    default: bool = False

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles that may open the page: those the role table allows its kind of action."""
        return roles_for(self.action)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/uebersicht.py", "Übersicht", ":material/dashboard:", "Arbeit", "overview.read", "uebersicht", True),
    PageSpec("pages/kontakte.py", "Linksaktive", ":material/groups:", "Arbeit", "contacts.care", "linksaktive"),
    PageSpec("pages/liste.py", "Liste", ":material/list:", "Arbeit", "contacts.care", "liste"),
    PageSpec("pages/importieren.py", "Import", ":material/upload_file:", "Arbeit", "contacts.import", "import"),
    PageSpec("pages/dubletten.py", "Dubletten", ":material/join_inner:", "Arbeit", "contacts.duplicates", "dubletten"),
    PageSpec("pages/karte.py", "Karte", ":material/map:", "Arbeit", "map.read", "karte"),
    PageSpec("pages/entwicklung.py", "Entwicklung", ":material/trending_up:", "Arbeit", "ladder.read", "entwicklung"),
    PageSpec(
        "pages/aktionen.py",
        "Aktionsaufrufe",
        ":material/notifications_active:",
        "Arbeit",
        "calls.write",
        "aktionsaufrufe",
    ),
    PageSpec("pages/info.py", "Linksaktiv-Info", ":material/mail:", "Arbeit", "info.send", "linksaktiv-info"),
    PageSpec("pages/befragungen.py", "Befragungen", ":material/ballot:", "Arbeit", "surveys.results", "befragungen"),
    PageSpec(
        "pages/zeitung_bestellen.py",
        "Zeitung bestellen",
        ":material/local_shipping:",
        "Zeitung",
        "newspaper.order",
        "zeitung-bestellen",
    ),
    PageSpec(
        "pages/zeitung_sammel.py",
        "Sammelbestellung",
        ":material/inventory_2:",
        "Zeitung",
        "newspaper.batch",
        "zeitung-sammel",
    ),
    PageSpec(
        "pages/zeitung_versand.py",
        "Zeitungsversand",
        ":material/outbox:",
        "Zeitung",
        "newspaper.dispatch",
        "zeitung-versand",
    ),
    PageSpec(
        "pages/zeitung_ausgaben.py",
        "Zeitungsausgaben",
        ":material/newspaper:",
        "Zeitung",
        "newspaper.editions",
        "zeitung-ausgaben",
    ),
    PageSpec(
        "pages/helfer_bedarf.py", "Bedarf", ":material/campaign:", "Helfer:innen", "volunteers.leads", "helfer-bedarf"
    ),
    PageSpec(
        "pages/helfer_angebote.py",
        "Hilfsangebote",
        ":material/volunteer_activism:",
        "Helfer:innen",
        "volunteers.offers",
        "helfer-angebote",
    ),
    PageSpec(
        "pages/helfer_vermittlung.py",
        "Vermittlung",
        ":material/hub:",
        "Helfer:innen",
        "volunteers.match",
        "helfer-vermittlung",
    ),
    PageSpec(
        "pages/helfer_karte.py",
        "Helfer:innen-Karte",
        ":material/travel_explore:",
        "Helfer:innen",
        "volunteers.map",
        "helfer-karte",
    ),
    PageSpec("pages/admin_users.py", "Benutzer:innen", ":material/group:", "Verwaltung", "admin.users", "benutzer"),
    PageSpec(
        "pages/admin_offices.py",
        "Geschäftsstellen",
        ":material/store:",
        "Verwaltung",
        "admin.offices",
        "geschaeftsstellen",
    ),
    PageSpec(
        "pages/admin_kv.py", "Kreisverbände", ":material/account_tree:", "Verwaltung", "admin.kv", "kreisverbaende"
    ),
    PageSpec("pages/admin_audit.py", "Audit-Log", ":material/history:", "Verwaltung", "admin.audit", "audit"),
    PageSpec(
        "pages/admin_dsr.py",
        "Datenschutz-Anfragen",
        ":material/privacy_tip:",
        "Verwaltung",
        "privacy.requests",
        "datenschutz",
    ),
    PageSpec(
        "pages/admin_retention.py",
        "Aufbewahrung",
        ":material/auto_delete:",
        "Verwaltung",
        "privacy.retention",
        "aufbewahrung",
    ),
    PageSpec("pages/konto.py", "Mein Konto", ":material/person:", "Konto", "account.own", "konto"),
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages a role may open, in registry order."""
    return [p for p in PAGES if role in p.roles]


def may_open(role: str, path: str) -> bool:
    """Whether the role may open the page file at path."""
    return any(p.path == path and role in p.roles for p in PAGES)

"""The one table of roles and what each may do: pages (registry.py) and services read it."""

from __future__ import annotations

ROLE_LABELS = {
    "admin": "Administration",
    "team": "Linksaktiv-Team",
    "land": "Landesverband",
    "kreis": "Kreisverband",
    "leitung": "Leitung",
}
ALL_ROLES = tuple(ROLE_LABELS)
# Roles that work with persons; leitung reads aggregates only (DESIGN §3.1).
PERSON_ROLES = ("admin", "team", "land", "kreis")

# Kinds of action and the roles allowed to take them. A page names the kind it serves (its
# visibility), a service checks the kind of each call (defence in depth): both read this table.
ACTIONS: dict[str, tuple[str, ...]] = {
    "overview.read": ALL_ROLES,
    "map.read": ALL_ROLES,
    "ladder.read": ALL_ROLES,  # Entwicklung: leitung gets the protected national aggregate
    "contacts.care": PERSON_ROLES,
    "contacts.step_back": ("admin", "team"),  # stepping back erases dates: a correction, not care
    "contacts.import": PERSON_ROLES,  # kreis for its KV, land for its Land, team and admin everywhere
    "contacts.duplicates": PERSON_ROLES,
    "calls.write": PERSON_ROLES,
    "info.send": ("team", "land", "kreis"),  # Linksaktiv-Info: team nationally, land its Land, kreis its KV
    "surveys.write": PERSON_ROLES,  # Befragungen are calls of kind 'survey'
    "surveys.results": ALL_ROLES,  # leitung: aggregates only, small counts hidden, never free text
    "newspaper.order": ("kreis", "land", "team"),
    "newspaper.override": ("team",),  # ship although an office is in reach (with a reason)
    "newspaper.batch": ("land", "team"),
    "newspaper.dispatch": ("team",),
    "newspaper.editions": ("team",),
    "volunteers.leads": PERSON_ROLES,
    "volunteers.offers": PERSON_ROLES,
    "volunteers.match": ("admin", "team", "land"),
    "volunteers.map": ALL_ROLES,
    "admin.users": ("admin",),
    "admin.offices": ("admin",),
    "admin.kv": ("admin",),
    "admin.audit": ("admin",),
    "privacy.requests": ("admin",),
    "privacy.retention": ("admin",),  # anonymise people past the retention period (the daily job acts as admin)
    "account.own": ALL_ROLES,
}


def may(role: str, action: str) -> bool:
    """Whether the role may take this kind of action (an unknown kind is refused)."""
    return role in ACTIONS.get(action, ())


def roles_for(action: str) -> tuple[str, ...]:
    """The roles allowed to take this kind of action."""
    return ACTIONS[action]

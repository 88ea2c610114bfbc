"""The demo users, all with the one demo password shown in the README."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import bcrypt

DEMO_PASSWORD = "linksaktiv-demo"
_BCRYPT_B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# username, display name, role, land_code, AGS of the Kreis whose KV is the user's home
DEMO_USERS = (
    ("admin", "Admin Demo", "admin", None, None),
    ("team", "Linksaktiv-Team", "team", None, None),
    ("lv-sachsen", "LV Sachsen", "land", "14", None),
    ("kv-leipzig", "KV Leipzig", "kreis", None, "14713"),
    ("kv-goerlitz", "KV Görlitz", "kreis", None, "14626"),
    ("leitung", "Leitung Demo", "leitung", None, None),
)


@lru_cache(maxsize=8)
def demo_password_hash(seed: int = 42) -> str:
    """bcrypt hash of DEMO_PASSWORD, computed once; its salt comes from the seed (reproducible data)."""
    digest = hashlib.sha256(f"linksaktiv-demo-salt-{seed}".encode()).digest()
    # 22 salt characters; the last one carries only 2 significant bits, so keep it canonical.
    salt = "".join(_BCRYPT_B64[b % 64] for b in digest[:21]) + "."
    return bcrypt.hashpw(DEMO_PASSWORD.encode(), f"$2b$12${salt}".encode()).decode()


def demo_user_rows(kv_of_ags: dict[str, int], created_at: str, seed: int = 42) -> list[dict]:
    """Rows of the demo users; kv_of_ags maps a Kreis AGS to its KV id."""
    pw = demo_password_hash(seed)
    rows = []
    for i, (username, display, role, land, ags) in enumerate(DEMO_USERS, start=1):
        rows.append(
            {
                "id": i,
                "username": username,
                "display_name": display,
                "email": f"{username}@example.org",
                "password_hash": pw,
                "role": role,
                "land_code": land or ("14" if ags else None),
                "kv_id": kv_of_ags[ags] if ags else None,
                "active": True,
                "failed_logins": 0,
                "locked_until": None,
                "sessions_revoked_at": None,
                "last_activity_at": None,
                "created_at": created_at,
            }
        )
    return rows

"""seed_and_map_speed: reserved for the speed work of issue 12 (seed, map, search)

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Reserved so that work on several issues can add its schema changes without forking the chain.
# Empty until that work lands; an empty revision changes nothing.


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

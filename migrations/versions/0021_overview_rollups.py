"""overview_rollups: rollup tables that keep the national and regional aggregates (issue 12)

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Reserved so that work on several issues can add its schema changes without forking the chain.
# Empty until that work lands; an empty revision changes nothing.


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

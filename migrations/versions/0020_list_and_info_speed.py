"""list_and_info_speed: indexes for the Liste counts and the Info audience at 1M (issues 10, 15)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Reserved so that work on several issues can add its schema changes without forking the chain.
# Empty until that work lands; an empty revision changes nothing.


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""list_and_import_speed: indexes for the list and the import at 1M (issue 15)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

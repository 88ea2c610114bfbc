"""ladder: indexes for the Entwicklung page (issue 10)

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""personal_links: personal links: one-time token uses, sign-up confirmation state (issue 10)

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

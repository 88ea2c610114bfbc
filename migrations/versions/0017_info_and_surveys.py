"""info_and_surveys: Linksaktiv-Info mailings and surveys (issue 10)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op  # noqa: F401

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""intake: import batches, mapping presets, duplicate candidates; contact keys for exact duplicates

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

from domain.keys import phone_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH_CHILDREN = ("contact", "contact_topic", "consent", "activity")


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(80), nullable=False, server_default=""),
        sa.Column("kv_id", sa.Integer),
        sa.Column("land_code", sa.String(2)),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_date", sa.String(10), nullable=False, server_default=""),
        sa.Column("place", sa.String(200), nullable=False, server_default=""),
        sa.Column("consent_evidence", sa.Text, nullable=False, server_default=""),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="imported"),
        sa.Column("rolled_back_at", db.types.UTCDateTime()),
        sa.CheckConstraint("status IN ('imported','rolled_back')", name="ck_import_batch_status"),
    )
    op.create_index("ix_import_batch_created_at", "import_batch", ["created_at"])
    op.create_table(
        "mapping_preset",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_mapping_preset_name"),
    )
    op.create_table(
        "duplicate_candidate",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "contact_a",
            sa.Integer,
            sa.ForeignKey("contact.id", ondelete="CASCADE", name="fk_duplicate_candidate_contact_a_contact"),
            nullable=False,
        ),
        sa.Column(
            "contact_b",
            sa.Integer,
            sa.ForeignKey("contact.id", ondelete="CASCADE", name="fk_duplicate_candidate_contact_b_contact"),
            nullable=False,
        ),
        sa.Column("kv_id", sa.Integer, nullable=False),
        sa.Column("land_code", sa.String(2), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("agreeing", sa.JSON, nullable=False),
        sa.Column("origin", sa.String(10), nullable=False, server_default="import"),
        sa.Column(
            "import_batch_id",
            sa.Integer,
            sa.ForeignKey(
                "import_batch.id", ondelete="SET NULL", name="fk_duplicate_candidate_import_batch_id_import_batch"
            ),
        ),
        sa.Column("status", sa.String(12), nullable=False, server_default="open"),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer),
        sa.Column("decided_at", db.types.UTCDateTime()),
        sa.UniqueConstraint("contact_a", "contact_b", name="uq_duplicate_candidate_contact_a_contact_b"),
        sa.CheckConstraint("contact_a < contact_b", name="ck_duplicate_candidate_ordered"),
        sa.CheckConstraint("status IN ('open','merged','kept_apart')", name="ck_duplicate_candidate_status"),
    )
    op.create_index("ix_duplicate_candidate_kv_status", "duplicate_candidate", ["kv_id", "status"])
    op.create_index("ix_duplicate_candidate_contact_b", "duplicate_candidate", ["contact_b"])

    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("birth_year", sa.Integer))
        batch.add_column(sa.Column("email_key", sa.String(160), nullable=False, server_default=""))
        batch.add_column(sa.Column("phone_key", sa.String(20), nullable=False, server_default=""))
    for table in BATCH_CHILDREN:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "import_batch_id",
                    sa.Integer,
                    sa.ForeignKey(
                        "import_batch.id", ondelete="SET NULL", name=f"fk_{table}_import_batch_id_import_batch"
                    ),
                )
            )
    op.create_index("ix_contact_import_batch_id", "contact", ["import_batch_id"])

    # Keys of the people already stored: e-mail in SQL, phone numbers through the phonenumbers library.
    op.execute("UPDATE contact SET email_key = lower(trim(email)) WHERE email <> ''")
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT DISTINCT phone FROM contact WHERE phone <> ''")).all()
    keys = [{"p": phone, "k": key} for (phone,) in rows if (key := phone_key(phone))]
    if keys:
        conn.execute(sa.text("UPDATE contact SET phone_key = :k WHERE phone = :p"), keys)
    where = sa.text("email_key <> ''")
    op.create_index("ix_contact_email_key", "contact", ["email_key"], sqlite_where=where, postgresql_where=where)
    where = sa.text("phone_key <> ''")
    op.create_index("ix_contact_phone_key", "contact", ["phone_key"], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_contact_phone_key", table_name="contact")
    op.drop_index("ix_contact_email_key", table_name="contact")
    op.drop_index("ix_contact_import_batch_id", table_name="contact")
    for table in BATCH_CHILDREN:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("import_batch_id")
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("phone_key")
        batch.drop_column("email_key")
        batch.drop_column("birth_year")
    op.drop_table("duplicate_candidate")
    op.drop_table("mapping_preset")
    op.drop_table("import_batch")

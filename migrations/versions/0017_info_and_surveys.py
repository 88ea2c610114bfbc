"""info_and_surveys: Linksaktiv-Info mailings and surveys (issue 10)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKey:
    ref_table = target.split(".")[0]
    return sa.ForeignKey(target, ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{ref_table}"))


def upgrade() -> None:
    # A plain ADD COLUMN with a server default: no batch rebuild of call_to_action on SQLite.
    op.add_column("call_to_action", sa.Column("kind", sa.String(10), nullable=False, server_default="call"))
    op.create_table(
        "info_mailing",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("region_level", sa.String(10), nullable=False),
        sa.Column("land_code", sa.String(2), _fk("info_mailing", "land_code", "land.code")),
        sa.Column("kv_id", sa.Integer, _fk("info_mailing", "kv_id", "kreisverband.id")),
        sa.Column("created_by", sa.Integer, _fk("info_mailing", "created_by", "app_user.id")),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime()),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.CheckConstraint("region_level IN ('national','land','kv')", name=op.f("ck_info_mailing_region_level")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_mailing")),
    )
    op.create_table(
        "info_delivery",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("info_id", sa.Integer, _fk("info_delivery", "info_id", "info_mailing.id", "CASCADE"), nullable=False),
        sa.Column(
            "contact_id", sa.Integer, _fk("info_delivery", "contact_id", "contact.id", "CASCADE"), nullable=False
        ),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_delivery")),
        sa.UniqueConstraint("info_id", "contact_id", name=op.f("uq_info_delivery_info_id_contact_id")),
    )
    op.create_index("ix_info_delivery_contact_sent", "info_delivery", ["contact_id", "sent_at"])
    op.create_table(
        "survey_question",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "call_id", sa.Integer, _fk("survey_question", "call_id", "call_to_action.id", "CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.CheckConstraint("kind IN ('single','multi','scale','text')", name=op.f("ck_survey_question_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_question")),
        sa.UniqueConstraint("call_id", "position", name=op.f("uq_survey_question_call_id_position")),
    )
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "call_id", sa.Integer, _fk("survey_response", "call_id", "call_to_action.id", "CASCADE"), nullable=False
        ),
        sa.Column(
            "contact_id", sa.Integer, _fk("survey_response", "contact_id", "contact.id", "CASCADE"), nullable=False
        ),
        sa.Column("land_code", sa.String(2), _fk("survey_response", "land_code", "land.code"), nullable=False),
        sa.Column("kv_id", sa.Integer, _fk("survey_response", "kv_id", "kreisverband.id"), nullable=False),
        sa.Column("answered_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("changed_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("call_id", "contact_id", name=op.f("uq_survey_response_call_id_contact_id")),
    )
    op.create_index("ix_survey_response_contact_id", "survey_response", ["contact_id"])
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column(
            "response_id",
            sa.Integer,
            _fk("survey_answer", "response_id", "survey_response.id", "CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "question_id",
            sa.Integer,
            _fk("survey_answer", "question_id", "survey_question.id", "CASCADE"),
            nullable=False,
        ),
        sa.Column("option", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
    )
    op.create_index("ix_survey_answer_response_id", "survey_answer", ["response_id"])
    op.create_index("ix_survey_answer_question_option", "survey_answer", ["question_id", "option"])


def downgrade() -> None:
    op.drop_index("ix_survey_answer_question_option", table_name="survey_answer")
    op.drop_index("ix_survey_answer_response_id", table_name="survey_answer")
    op.drop_table("survey_answer")
    op.drop_index("ix_survey_response_contact_id", table_name="survey_response")
    op.drop_table("survey_response")
    op.drop_table("survey_question")
    op.drop_index("ix_info_delivery_contact_sent", table_name="info_delivery")
    op.drop_table("info_delivery")
    op.drop_table("info_mailing")
    with op.batch_alter_table("call_to_action") as batch:
        batch.drop_column("kind")

"""every trace of a person is linked by id: mail_outbox and campaign_lead get contact_id; mails carry their
channel and, when not sent for lack of consent, status 'cancelled' with a reason code

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa

import db.types
from alembic import op

from domain.keys import phone_key

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STATUS_NEW = "status IN ('queued','sent','failed','cancelled')"
STATUS_OLD = "status IN ('queued','sent','failed')"


def _contact_fk(table: str) -> sa.Column:
    return sa.Column(
        "contact_id",
        sa.Integer,
        sa.ForeignKey("contact.id", ondelete="SET NULL", name=f"fk_{table}_contact_id_contact"),
    )


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(_contact_fk("mail_outbox"))
        batch.add_column(sa.Column("channel", sa.String(10), nullable=False, server_default="email"))
        batch.add_column(sa.Column("cancel_reason", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("cancelled_at", db.types.UTCDateTime()))
        batch.drop_constraint(op.f("ck_mail_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_mail_outbox_status"), STATUS_NEW)
    op.create_index("ix_mail_outbox_contact_id", "mail_outbox", ["contact_id"])
    with op.batch_alter_table("campaign_lead") as batch:
        batch.add_column(_contact_fk("campaign_lead"))
    op.create_index("ix_campaign_lead_contact_id", "campaign_lead", ["contact_id"])

    # Mails already queued or sent: the person of a call delivery or of a volunteer's assignment, else the
    # one person whose address it went to (the lowest id: a merge keeps that one).
    op.execute(
        "UPDATE mail_outbox SET contact_id = (SELECT d.contact_id FROM call_delivery d WHERE d.id = mail_outbox.ref_id)"
        " WHERE ref_type = 'call_delivery'"
    )
    op.execute(
        "UPDATE mail_outbox SET contact_id = (SELECT o.contact_id FROM assignment a"
        " JOIN volunteer_offer o ON o.id = a.offer_id WHERE a.id = mail_outbox.ref_id)"
        " WHERE ref_type = 'assignment' AND purpose = 'volunteering'"
    )
    op.execute(
        "UPDATE mail_outbox SET contact_id = (SELECT min(c.id) FROM contact c"
        " WHERE c.email_key <> '' AND c.email_key = lower(trim(mail_outbox.to_addr)))"
        " WHERE contact_id IS NULL"
    )
    # Leads whose contact person is a Linksaktive:r: same e-mail, else same phone number.
    op.execute(
        "UPDATE campaign_lead SET contact_id = (SELECT min(c.id) FROM contact c"
        " WHERE c.email_key <> '' AND c.email_key = lower(trim(campaign_lead.contact_email)))"
        " WHERE contact_email <> ''"
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, contact_phone FROM campaign_lead WHERE contact_id IS NULL AND contact_phone <> ''")
    ).all()
    for lead_id, phone in rows:
        key = phone_key(phone)
        if key:
            conn.execute(
                sa.text(
                    "UPDATE campaign_lead SET contact_id = (SELECT min(id) FROM contact WHERE phone_key = :k)"
                    " WHERE id = :id"
                ),
                {"k": key, "id": lead_id},
            )


def downgrade() -> None:
    op.drop_index("ix_campaign_lead_contact_id", table_name="campaign_lead")
    with op.batch_alter_table("campaign_lead") as batch:
        batch.drop_column("contact_id")
    op.drop_index("ix_mail_outbox_contact_id", table_name="mail_outbox")
    op.execute("UPDATE mail_outbox SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_constraint(op.f("ck_mail_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_mail_outbox_status"), STATUS_OLD)
        batch.drop_column("cancelled_at")
        batch.drop_column("cancel_reason")
        batch.drop_column("channel")
        batch.drop_column("contact_id")

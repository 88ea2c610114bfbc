"""Confirm and cancel mails of an assignment reach a real local SMTP server (aiosmtpd), both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.engine import make_session_factory
from db.models import Assignment, CampaignLead, Contact, VolunteerOffer
from services.mail.sender import deliver_due
from services.matching import handover
from services.matching.run import run_matching
from services.seed import seed_demo
from tests.support.scopes import user_scope
from tests.support.smtp import smtp_settings as _settings


def test_confirm_and_cancel_mails_arrive(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=600, seed=7)
    settings = _settings(ctl.port)
    with make_session_factory(empty_engine)() as s:
        team = user_scope(s, "team")
        run_matching(s, team, date.today())
        a = s.scalars(
            select(Assignment)
            .join(VolunteerOffer, VolunteerOffer.id == Assignment.offer_id)
            .join(Contact, Contact.id == VolunteerOffer.contact_id)
            .where(Assignment.status == "proposed", Contact.email != "")
            .order_by(Assignment.id)
        ).first()
        assert a is not None
        aid = a.id
        lead_addr = s.get(CampaignLead, a.lead_id).contact_email
        volunteer = s.get(Contact, s.get(VolunteerOffer, a.offer_id).contact_id)
        vol_addr, first_name = volunteer.email, volunteer.first_name
        handover.accept(s, team, [aid])
    deliver_due(empty_engine, settings)
    inbox.messages.clear()

    with make_session_factory(empty_engine)() as s:
        handover.set_status(s, user_scope(s, "team"), [aid], "confirmed")
    assert deliver_due(empty_engine, settings).sent == 2
    got = {tuple(rcpt): msg for rcpt, msg in inbox.messages}
    assert set(got) == {(lead_addr,), (vol_addr,)}
    assert got[(lead_addr,)]["Subject"].startswith("Bestätigt: Unterstützung für")
    assert f"Vermittlung Nr. {aid}" in got[(lead_addr,)].get_content()
    assert got[(vol_addr,)].get_content().startswith(f"Hallo {first_name},")
    inbox.messages.clear()

    with make_session_factory(empty_engine)() as s:
        handover.set_status(s, user_scope(s, "team"), [aid], "cancelled")
    assert deliver_due(empty_engine, settings).sent == 2
    assert {tuple(r) for r, _ in inbox.messages} == {(lead_addr,), (vol_addr,)}
    assert all(m["Subject"].startswith("Storniert") for _, m in inbox.messages)

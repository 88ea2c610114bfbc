"""Every trace of a person is linked by id (DESIGN §3.6): erasure and access find mails and leads under an
address the person no longer has. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from db.models import Contact, MailOutbox
from services.privacy import access, erasure
from services.privacy import requests as dsr
from tests.support.scopes import ADMIN, user_scope
from tests.support.traces import (
    FIRST,
    LAST,
    NEW_EMAIL,
    OLD_EMAIL,
    cells_containing,
    lead_of,
    move_to_new_address,
    volunteer_with_mails,
)


def test_erasure_after_an_address_change_leaves_no_mail_to_the_old_address(session):
    team = user_scope(session, "team")
    v = volunteer_with_mails(session, team)
    move_to_new_address(session, team, v.contact_id)
    assert cells_containing(session, OLD_EMAIL)  # mails and the lead still carry the old address
    rid = dsr.register_request(session, ADMIN, v.contact_id, "erasure")

    done = erasure.erase(session, ADMIN, rid, "LÖSCHEN")

    assert session.get(Contact, v.contact_id) is None
    for value in (OLD_EMAIL, NEW_EMAIL, FIRST, LAST, "Holunderweg 3"):
        assert cells_containing(session, value) == [], value
    to_old = select(func.count()).where(func.lower(MailOutbox.to_addr) == OLD_EMAIL)
    assert session.scalar(to_old) == 0
    assert session.scalar(select(func.count()).where(MailOutbox.body.contains(f"Hallo {FIRST}"))) == 0
    # Her queued mails are gone (the call, the cancel mail); the sent one is blanked.
    assert done.mails_deleted == 2 and done.leads_blanked == 1
    lead = lead_of(session, v.own_lead_id)
    assert (lead.contact_name, lead.contact_email, lead.contact_id) == ("(gelöscht)", "", None)


def test_access_export_finds_mails_and_leads_under_the_old_address(session):
    team = user_scope(session, "team")
    v = volunteer_with_mails(session, team)
    move_to_new_address(session, team, v.contact_id)
    rid = dsr.register_request(session, ADMIN, v.contact_id, "access")

    data = json.loads(access.build_access_export(session, ADMIN, rid).json)

    assert data["Stammdaten"]["E-Mail"] == NEW_EMAIL
    to_her = [m for m in data["E-Mails"] if m["An"] == OLD_EMAIL]
    assert {m["Zweck"] for m in to_her} == {"Mithilfe", "Aktionsaufrufe"}
    assert any(m["Status"] == "gesendet" and m["Text"].startswith(f"Hallo {FIRST}") for m in to_her)
    assert [ld["Nummer"] for ld in data["Als Ansprechperson eines Bedarfs"]] == [v.own_lead_id]
    # The mails to the lead about her placement are hers too.
    assert any(m["An"] == "lea.leitung@example.org" for m in data["E-Mails"])

"""Browser journey: team runs the matching and accepts; kv-leipzig sees its helper; the sender delivers the mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.models import CampaignLead, Consent, Contact, Kreisverband, OfferSkill, Plz, User, VolunteerOffer
from db.types import utcnow
from harness.browser import login
from services.geo.places import haversine_km
from services.mail.sender import deliver_due
from tests.support.browser import choose_option, chromium_path, click_until, shot
from tests.support.databases import TEST_CONTACTS, fresh_database
from tests.support.smtp import smtp_settings

pytestmark = pytest.mark.e2e


def _prepare_volunteer(url: str) -> tuple[str, str, str]:
    """A volunteer from a neighbouring KV whose radius reaches only Leipzig's lead (consent to pass on)."""
    eng = make_engine(url)
    with make_session_factory(eng)() as s:
        kv_id = s.scalar(select(User.kv_id).where(User.username == "kv-leipzig"))
        kv_name = s.get(Kreisverband, kv_id).name
        lead = s.scalar(select(CampaignLead).where(CampaignLead.kv_id == kv_id))
        lp = s.get(Plz, lead.plz)
        others = [
            (p, ll)
            for p, ll in s.execute(select(Plz, CampaignLead).join(CampaignLead, CampaignLead.plz == Plz.plz))
            if ll.id != lead.id
        ]
        contact = None
        for c, p in s.execute(
            select(Contact, Plz)
            .join(Plz, Plz.plz == Contact.plz)
            .where(Contact.kv_id != kv_id, Contact.land_code == "14")
        ):
            km = float(haversine_km(p.lat, p.lon, lp.lat, lp.lon))
            nearest_other = min(float(haversine_km(p.lat, p.lon, op.lat, op.lon)) for op, _ in others)
            if km + 1 < nearest_other and (contact is None or km < contact[1]):
                contact = (c, km)
        c, km = contact
        c.first_name, c.last_name, c.email = "Paula", "Helferin", "paula.helferin@example.org"
        now = utcnow()
        s.add_all(
            [
                Consent(contact_id=c.id, purpose=p, channel=None, granted_at=now, source="e2e", evidence="Formular")
                for p in ("volunteering", "pass_to_branch")
            ]
        )
        skill = max(lead.needs, key=lambda n: n.needed).skill
        lead.period_start, lead.period_end = date.today(), date.today() + timedelta(days=60)
        s.add(
            VolunteerOffer(
                contact_id=c.id,
                availability="weekend",
                travel_radius_km=round(km + 0.5, 1),
                period_start=date.today(),
                period_end=date.today() + timedelta(days=30),
                hours_per_week=4,
                note="e2e",
                skills=[OfferSkill(skill=skill)],
            )
        )
        s.commit()
        result = kv_name, lead.contact_email, "Paula Helferin"
    eng.dispose()
    return result


def test_team_matches_accepts_and_leipzig_sees_helper(app_server_factory, browser, tmp_path, smtp_server):
    chromium_path()
    ctl, inbox = smtp_server
    url = fresh_database("sqlite", tmp_path, suffix="helfer")
    from services.seed import seed_demo

    eng = make_engine(url)
    seed_demo(eng, contacts=TEST_CONTACTS, seed=42)
    eng.dispose()
    kv_name, lead_email, helper = _prepare_volunteer(url)
    base = app_server_factory(db_url=url)

    ctx = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="de-DE")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    login(page, base, "team")
    page.get_by_role("link", name="Vermittlung").click()
    expect(page.get_by_role("heading", name="Helfer:innen-Vermittlung")).to_be_visible()
    click_until(
        page,
        page.get_by_role("button", name="Vermittlung berechnen"),
        page.get_by_text("Ergebnis der letzten Berechnung"),
    )
    expect(page.get_by_text("vermittelt", exact=True)).to_be_visible()
    expect(page.get_by_text("Ø Entfernung", exact=True)).to_be_visible()
    # The comparison with the greedy assignment is folded away for the team.
    page.get_by_text("Vergleich mit der einfachen Zuordnung (für das Team)").click()
    expect(page.get_by_text("Passung optimal")).to_be_visible()
    expect(page.get_by_text("Passung gierig", exact=True)).to_be_visible()
    expect(page.get_by_text("offen gierig")).to_be_visible()
    shot(page, "helfer_01_team_matching")
    # The selectbox is searchable; its option list is virtualised, so type the name.
    choose_option(page, page.get_by_label("Vorschläge für Kreisverband"), kv_name, type_text=kv_name)
    accept_all = page.get_by_role("button", name="Alle ")
    expect(accept_all).to_be_visible()
    shot(page, "helfer_02_team_proposals_leipzig")
    click_until(page, accept_all, page.get_by_text("an den Kreisverband übergeben"))
    expect(page.get_by_text("Die Mails liegen im Postausgang")).to_be_visible()
    shot(page, "helfer_03_team_accepted")
    ctx.close()

    # The page only queued the mails; the sender (scripts/send_mail in production) delivers them.
    assert not inbox.messages
    eng = make_engine(url)
    deliver_due(eng, smtp_settings(ctl.port))
    eng.dispose()
    lead_mails = [m for rcpt, m in inbox.messages if lead_email in rcpt]
    assert lead_mails, f"no mail to the lead; got {[r for r, _ in inbox.messages]}"
    assert any(helper in m.get_content() for m in lead_mails)
    assert any("paula.helferin@example.org" in rcpt for rcpt, _ in inbox.messages)

    ctx = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="de-DE")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    login(page, base, "kv-leipzig")
    page.get_by_role("link", name="Bedarf").click()
    expect(page.get_by_role("heading", name="Helfer:innen-Bedarf")).to_be_visible()
    expect(page.get_by_text(helper).first).to_be_visible()
    expect(page.get_by_text("paula.helferin@example.org").first).to_be_visible()
    shot(page, "helfer_04_kv_leipzig_sees_helper")
    ctx.close()

"""Helfer:innen-Karte aggregation, offer paging and confirm/cancel mails on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.models import Assignment, CampaignLead, Consent, Contact, Kreis, MailOutbox, VolunteerOffer
from db.types import utcnow
from services.matching import handover, inputs, offers
from services.matching.needs_map import GAP, NEEDS, OFFERS, needs_map
from services.matching.run import run_matching
from tests.support.scopes import user_scope


def test_team_sees_every_kreis_with_the_matchings_counts(session):
    team = user_scope(session, "team")
    today = date.today()
    data = needs_map(session, team, today)
    assert not data.suppressed
    assert len(data.kreise) == session.scalar(select(func.count()).select_from(Kreis))
    assert data.total_needs == sum(sum(ld.open_needs.values()) for ld in inputs.open_leads(session, team, today)) > 0
    assert data.total_offers == len(inputs.open_offers(session, team, today)) > 0
    assert (data.kreise[GAP] == data.kreise[NEEDS] - data.kreise[OFFERS]).all()
    # Accepting a proposal takes one need and one offer off the map.
    run_matching(session, team, today)
    a = session.scalars(select(Assignment).where(Assignment.status == "proposed").order_by(Assignment.id)).first()
    before = needs_map(session, team, today)
    assert before.total_needs == data.total_needs - session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.status == "proposed")
    )
    handover.set_status(session, team, [a.id], "declined")
    after = needs_map(session, team, today)
    assert (after.total_needs, after.total_offers) == (before.total_needs + 1, before.total_offers + 1)


def test_kreis_and_land_see_only_their_area(session):
    leipzig = user_scope(session, "kv-leipzig")
    data = needs_map(session, leipzig)
    own = set(session.scalars(select(Kreis.ags).where(Kreis.kv_id == leipzig.kv_id)))
    assert set(data.kreise["ags"]) == own and not data.suppressed
    land = user_scope(session, "lv-sachsen")
    data = needs_map(session, land)
    assert set(data.kreise["land_code"]) == {"14"}
    assert len(data.kreise) == session.scalar(select(func.count()).select_from(Kreis).where(Kreis.land_code == "14"))


def test_leitung_gets_suppressed_counts_only(session):
    leitung = user_scope(session, "leitung")
    data = needs_map(session, leitung)
    assert data.suppressed
    assert set(data.kreise.columns) == {"ags", "name", "land_code", "lat", "lon", NEEDS, OFFERS, GAP}
    for col in (NEEDS, OFFERS):
        assert all(v is None or v >= 5 for v in data.kreise[col])
    assert any(v is None for v in data.kreise[OFFERS])  # the seed has small offer counts per Kreis
    raw = needs_map(session, user_scope(session, "team"))
    assert data.total_needs in (None, raw.total_needs)


def test_offers_page_through_without_gaps_or_repeats(session):
    team = user_scope(session, "team")
    total = offers.count_offers(session, team, include_withdrawn=True)
    assert total > 50
    seen = []
    for offset in range(0, total, 50):
        page = offers.offers_frame(session, team, include_withdrawn=True, limit=50, offset=offset)
        assert len(page) == min(50, total - offset)
        seen += list(page["id"])
    assert len(seen) == len(set(seen)) == total
    leipzig = user_scope(session, "kv-leipzig")
    assert offers.count_offers(session, leipzig) == len(offers.offers_frame(session, leipzig, limit=10_000))


def _accepted(session, team) -> Assignment:
    run_matching(session, team, date.today())
    a = session.scalars(select(Assignment).where(Assignment.status == "proposed").order_by(Assignment.id)).first()
    handover.accept(session, team, [a.id])
    return a


def _mails(session, a, since_id):
    return list(
        session.scalars(
            select(MailOutbox).where(MailOutbox.ref_id == a.id, MailOutbox.id > since_id).order_by(MailOutbox.id)
        )
    )


def test_confirm_and_cancel_mail_lead_and_volunteer(session):
    team = user_scope(session, "team")
    a = _accepted(session, team)
    lead = session.get(CampaignLead, a.lead_id)
    contact = session.get(Contact, session.get(VolunteerOffer, a.offer_id).contact_id)
    last = session.scalar(select(func.max(MailOutbox.id)))
    handover.set_status(session, team, [a.id], "confirmed")
    mails = _mails(session, a, last)
    assert {m.to_addr for m in mails} == {lead.contact_email, contact.email}
    assert all(m.subject.startswith("Bestätigt") for m in mails)
    assert {m.purpose for m in mails} == {"service", "volunteering"}
    last = mails[-1].id
    handover.set_status(session, team, [a.id], "cancelled")
    mails = _mails(session, a, last)
    assert {m.to_addr for m in mails} == {lead.contact_email, contact.email}
    assert all(m.subject.startswith("Storniert") and "storniert" in m.body for m in mails)


def test_no_mail_to_volunteer_without_consent_and_none_for_a_proposal(session):
    team = user_scope(session, "team")
    a = _accepted(session, team)
    contact = session.get(Contact, session.get(VolunteerOffer, a.offer_id).contact_id)
    now = utcnow()
    session.add(
        Consent(
            contact_id=contact.id,
            purpose="volunteering",
            channel=None,
            granted_at=now,
            withdrawn_at=now,
            source="telefon",
            evidence="Widerruf am Telefon",
        )
    )
    session.flush()
    last = session.scalar(select(func.max(MailOutbox.id)))
    handover.set_status(session, team, [a.id], "confirmed")
    mails = _mails(session, a, last)
    assert [m.to_addr for m in mails] == [session.get(CampaignLead, a.lead_id).contact_email]
    # A proposal was never announced: declining or cancelling it sends nothing.
    b = session.scalars(select(Assignment).where(Assignment.status == "proposed").order_by(Assignment.id)).first()
    last = session.scalar(select(func.max(MailOutbox.id)))
    handover.set_status(session, team, [b.id], "cancelled")
    assert _mails(session, b, last) == []

"""The demo data's sent Info and survey: their mails wait in the outbox and their personal links work."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import InfoMailing, MailOutbox
from services.core.settings import get_settings
from services.links.tokens import read_token
from services.seed import seed_demo
from services.seed.mailings import demo_links, seed_demo_mailings
from services.surveys.answers import form_of_link


def test_demo_info_and_survey_wait_with_working_links(empty_engine):
    seed_demo(empty_engine, contacts=1500, seed=7)
    counts = seed_demo_mailings(empty_engine)
    assert counts["info_mails"] > 0 and counts["survey_mails"] > 0
    links = demo_links(empty_engine)
    assert set(links) == {"Info: Meine Themen / Abmelden", "Befragung: Antworten"}
    s = get_settings()
    with Session(empty_engine) as session:
        queued = session.scalar(select(func.count()).select_from(MailOutbox).where(MailOutbox.status == "queued"))
        assert queued == counts["info_mails"] + counts["survey_mails"]
        info_id = session.scalar(select(InfoMailing.id))
        topics = unquote(urlsplit(links["Info: Meine Themen / Abmelden"]).query.removeprefix("t="))
        assert read_token(s.link_secret, topics, "topics", max_age_days=s.link_max_age_days).ref == f"info:{info_id}"
        answer = unquote(urlsplit(links["Befragung: Antworten"]).query.removeprefix("t="))
        form = form_of_link(session, answer)
        assert form.title == "Befragung: Wohnen in Sachsen" and len(form.questions) == 4 and not form.closed

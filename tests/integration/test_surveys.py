"""Befragungen on SQLite and PostgreSQL: compose, send with answer links, one answer per person changeable
until the close, results per question and Land, leitung's protection with complementary cells, export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, CallDelivery, CallToAction, Contact, MailOutbox, SurveyAnswer, SurveyResponse
from domain.enums import TOPICS
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from services.core.settings import get_settings
from services.links.tokens import read_token
from services.surveys import answers, results
from services.surveys import workflow as surveys
from services.surveys.questions import Question
from tests.support.scopes import user_scope

NOW = datetime(2031, 6, 1, 12, tzinfo=UTC)  # after every seeded consent
QUESTIONS = (
    Question("single", "Wie oft zahlst du zu viel Miete?", ("oft", "manchmal", "nie")),
    Question("multi", "Was hilft?", ("Mietendeckel", "Enteignung", "Wohngeld")),
    Question("scale", "Wie wichtig ist dir das Thema?"),
    Question("text", "Was möchtest du uns sagen?"),
)


def _form(**kw) -> surveys.SurveyForm:
    base = dict(
        title="Mieten-Umfrage",
        body="Sag uns, wie es dir mit deiner Miete geht.",
        topics=tuple(TOPICS),
        region_level="national",
        end_day=date(2031, 6, 30),
        questions=QUESTIONS,
    )
    base.update(kw)
    return surveys.SurveyForm(**base)


def _sent(session, scope, **kw) -> int:
    sid = surveys.create_survey(session, scope, _form(**kw), now=NOW)
    n = surveys.preview(session, scope, sid, now=NOW).recipients
    assert surveys.send(session, scope, sid, n, now=NOW) == n
    return sid


def _recipients(session, sid, land=None) -> list[int]:
    stmt = select(CallDelivery.contact_id).where(CallDelivery.call_id == sid).order_by(CallDelivery.contact_id)
    if land:
        stmt = stmt.join(Contact, Contact.id == CallDelivery.contact_id).where(Contact.land_code == land)
    return list(session.scalars(stmt))


def _qids(session, sid) -> list[int]:
    form = answers.answer_form(session, _recipients(session, sid)[0], sid, now=NOW)
    return [qid for qid, _ in form.questions]


def test_compose_checks_questions(session):
    team = user_scope(session, "team")
    with pytest.raises(ValidationError, match="mindestens eine Frage"):
        surveys.create_survey(session, team, _form(questions=()), now=NOW)
    with pytest.raises(ValidationError, match="höchstens 10"):
        surveys.create_survey(session, team, _form(questions=(QUESTIONS[2],) * 11), now=NOW)
    with pytest.raises(ValidationError, match="Frage 1: gib 2 bis 10"):
        surveys.create_survey(session, team, _form(questions=(Question("single", "Ja?", ("ja",)),)), now=NOW)
    with pytest.raises(ValidationError, match="bis wann"):
        surveys.create_survey(session, team, _form(end_day=None), now=NOW)
    with pytest.raises(ValidationError, match="Bundesweite"):
        surveys.create_survey(session, user_scope(session, "lv-sachsen"), _form(), now=NOW)
    with pytest.raises(PermissionDenied):
        surveys.create_survey(session, user_scope(session, "leitung"), _form(), now=NOW)
    assert session.scalar(select(func.count()).select_from(CallToAction).where(CallToAction.kind == "survey")) == 0


def test_send_once_with_answer_links(session):
    lv = user_scope(session, "lv-sachsen")
    sid = _sent(session, lv, region_level="land", land_code="14")
    people = _recipients(session, sid)
    assert people and set(session.scalars(select(Contact.land_code).where(Contact.id.in_(people)))) == {"14"}
    mails = session.scalars(
        select(MailOutbox)
        .join(CallDelivery, CallDelivery.id == MailOutbox.ref_id)
        .where(MailOutbox.ref_type == "call_delivery", CallDelivery.call_id == sid)
    ).all()
    assert len(mails) == len(people) and {m.purpose for m in mails} == {"call_to_action"}
    mail = mails[0]
    assert "4 Fragen und läuft bis zum 30.06.2031" in mail.body
    line = next(x for x in mail.body.splitlines() if x.startswith("Antworten: "))
    s = get_settings()
    claim = read_token(s.link_secret, unquote(line.split("?t=", 1)[1]), "answer", max_age_days=s.link_max_age_days)
    assert (claim.contact_id, claim.ref) == (mail.contact_id, f"call:{sid}")
    assert "Meine Themen / Abmelden: " in mail.body
    with pytest.raises(ConflictError, match="schon am"):
        surveys.send(session, lv, sid, 0, now=NOW)
    # Surveys are not listed as calls to action.
    from services.calls import workflow as calls

    assert sid not in {c.id for c in calls.calls(session, lv)}
    assert sid in {v.id for v in surveys.surveys(session, lv)}


def test_one_answer_per_person_changeable_until_close(session):
    team = user_scope(session, "team")
    sid = _sent(session, team)
    who = _recipients(session, sid)[0]
    q1, q2, q3, q4 = _qids(session, sid)
    assert answers.save_answers(session, who, sid, {q1: 1, q2: [1, 3], q3: 4, q4: "Zu teuer."}, now=NOW) is False
    form = answers.answer_form(session, who, sid, now=NOW)
    assert form.answered and form.given == {q1: 1, q2: [1, 3], q3: 4, q4: "Zu teuer."}
    assert answers.save_answers(session, who, sid, {q1: 2, q3: 5}, now=NOW + timedelta(days=1)) is True
    assert answers.answer_form(session, who, sid, now=NOW).given == {q1: 2, q3: 5}
    assert session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.call_id == sid)) == 1
    assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 2
    with pytest.raises(ValidationError, match="gibt es nicht"):
        answers.save_answers(session, who, sid, {q1: 9}, now=NOW)
    with pytest.raises(ValidationError, match="zu lang"):
        answers.save_answers(session, who, sid, {q4: "x" * 1001}, now=NOW)
    with pytest.raises(ValidationError, match="noch keine Frage"):
        answers.save_answers(session, who, sid, {}, now=NOW)
    closed = datetime(2031, 7, 1, 12, tzinfo=UTC)
    assert answers.answer_form(session, who, sid, now=closed).closed
    with pytest.raises(ValidationError, match="beendet"):
        answers.save_answers(session, who, sid, {q1: 3}, now=closed)
    assert answers.answer_form(session, who, sid, now=NOW).given == {q1: 2, q3: 5}
    outsider = session.scalar(select(Contact.id).where(Contact.id.not_in(_recipients(session, sid))).limit(1))
    with pytest.raises(NotFoundError):
        answers.answer_form(session, outsider, sid, now=NOW)
    assert (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("survey_answer%")))
        == 2
    )


def _answer_many(session, sid, land, picks, text=None):
    q1, _, _, q4 = _qids(session, sid)
    people = _recipients(session, sid, land)
    assert len(people) >= len(picks), (land, len(people))
    for who, option in zip(people, picks, strict=False):
        values = {q1: option} | ({q4: text} if text else {})
        answers.save_answers(session, who, sid, values, now=NOW)


def _lands(session) -> tuple[str, str]:
    rows = session.execute(
        select(Contact.land_code, func.count()).group_by(Contact.land_code).order_by(func.count().desc())
    ).all()
    return rows[0][0], rows[1][0]


def test_results_and_leitung_protection_with_complementary_cells(session):
    team = user_scope(session, "team")
    sid = _sent(session, team)
    a, b = _lands(session)
    _answer_many(session, sid, a, [1] * 6 + [2] * 2, text="=HYPERLINK(1)")
    _answer_many(session, sid, b, [1] * 7 + [2] * 8)

    full = results.results(session, team, sid)
    assert full.respondents == 23 and not full.protected
    q1 = full.questions[0]
    assert list(q1.totals["Anzahl"]) == [13, 10, 0]
    texts = full.questions[3].texts
    assert len(texts) == 8 and set(texts.columns) == {"Land", "Antwort"}

    prot = results.results(session, user_scope(session, "leitung"), sid)
    assert prot.protected and prot.questions[3].texts is None
    labels = ["oft", "manchmal", "nie"]
    real = q1.by_land.set_index("Land")
    shown = prot.questions[0].by_land.set_index("Land")
    small = real.index[real["manchmal"] == 2][0]
    assert shown.loc[small, "manchmal"] is None  # 2 people: hidden
    assert shown.loc[small, "oft"] is None  # complementary: else 8 - 6 gives the 2 back

    def safe(hidden_values):
        positive = [v for v in hidden_values if v > 0]
        return len(positive) != 1 and not 0 < sum(hidden_values) < 5

    # No line whose total is shown lets a hidden figure be recomputed: rows (Länder) and columns (answers).
    for land in shown.index:
        if shown.loc[land, "Summe"] is not None:
            assert safe([real.loc[land, c] for c in labels if shown.loc[land, c] is None])
    totals = dict(zip(labels, prot.questions[0].totals["Anzahl"], strict=True))
    for c in labels:
        if totals[c] is not None:
            assert safe([real.loc[land, c] for land in shown.index if shown.loc[land, c] is None])
    assert prot.respondents is None  # a hidden cell: the respondents would give a hidden total back

    csv = results.export_counts(session, user_scope(session, "leitung"), sid).decode("utf-8-sig")
    assert "< 5" in csv and ";2\r\n" not in csv
    with pytest.raises(PermissionDenied):
        results.export_texts(session, user_scope(session, "leitung"), sid)
    text_csv = results.export_texts(session, team, sid).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text_csv and "Nachname" not in text_csv
    team_csv = results.export_counts(session, team, sid).decode("utf-8-sig")
    assert ";2\r\n" in team_csv
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(["survey_export", "survey_export_text"])))
    )
    assert actions == {"survey_export", "survey_export_text"}


def test_sending_area_sees_its_survey_only(session):
    lv = user_scope(session, "lv-sachsen")
    team_sid = _sent(session, user_scope(session, "team"), title="Bundesweit")
    with pytest.raises(NotFoundError):
        results.results(session, lv, team_sid)
    own = _sent(session, lv, region_level="land", land_code="14", title="Sachsen fragt")
    assert results.results(session, lv, own).respondents == 0
    assert results.results(session, user_scope(session, "team"), own).survey.title == "Sachsen fragt"


def test_access_export_lists_infos_and_survey_answers(session):
    from services.info import workflow as info
    from services.privacy.access import collect

    team = user_scope(session, "team")
    sid = _sent(session, team)
    who = _recipients(session, sid)[0]
    q1, _, _, q4 = _qids(session, sid)
    answers.save_answers(session, who, sid, {q1: 3, q4: "Mehr Busse."}, now=NOW)
    iid = info.create_info(session, team, info.InfoForm("Info für alle", "Text", tuple(TOPICS), "national"))
    info.send(session, team, iid, info.preview(session, team, iid, now=NOW).recipients, now=NOW)
    data = collect(session, who)
    assert [(a["question"], a["answer"]) for a in data["survey_answers"]] == [
        ("Wie oft zahlst du zu viel Miete?", "nie"),
        ("Was möchtest du uns sagen?", "Mehr Busse."),
    ]
    got_info = session.scalar(
        select(func.count()).select_from(MailOutbox).where(MailOutbox.ref_type == "info", MailOutbox.contact_id == who)
    )
    assert len(data["info_deliveries"]) == got_info

"""The ladder (Entwicklung) against a hand-counted set of people in 2015, on SQLite and PostgreSQL.

The seeded demo contacts all entered within the last three years, so in 2015 only these people count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from db.models import CallDelivery, CallToAction, Contact, ContactTopic, Plz
from domain.errors import ValidationError
from services.core.scope import Scope
from services.ladder.view import build_ladder, build_topics, clear_cache, leitung_period
from tests.support.scopes import kv_of, user_scope

START, END = date(2015, 1, 1), date(2015, 6, 30)
D = date.fromisoformat

# name: (Kreis AGS, entered, active, member, source, topics)
PEOPLE = {
    "p1": ("14713", "2015-01-10", "2015-01-20", "2015-03-01", "infostand", ["miete", "pflege"]),
    "p2": ("14713", "2015-01-15", "2015-02-14", None, "infostand", ["miete"]),
    "p3": ("14713", "2015-02-01", None, None, "haustuer", ["pflege"]),
    "p4": ("14713", "2015-02-10", "2015-02-12", "2015-02-22", "webformular", ["miete"]),
    "p5": ("14713", "2015-03-05", None, None, "webformular", []),
    "p6": ("14713", "2015-03-20", "2015-07-10", None, "social_media", ["frieden"]),  # active after the period
    "p7": ("14713", "2014-12-20", "2015-01-05", "2015-05-05", "infostand", ["miete"]),  # entered before it
    "p8": ("14626", "2015-04-01", "2015-04-01", None, "haustuer", ["frieden"]),  # KV Görlitz
    "p9": ("11000", "2015-05-02", None, None, "infostand", ["miete"]),  # Berlin
    "p10": ("11000", "2015-06-30", "2015-06-30", "2015-06-30", "import", ["pflege"]),  # Berlin, last day
}
# (person, call, response, answered on); None: sent, not answered
ANSWERS = [
    ("p1", "demo", "accepted", "2015-01-15"),
    ("p2", "demo", "accepted", "2015-02-20"),  # after becoming active: does not count
    ("p2", "umfrage", "", "2015-02-01"),
    ("p4", "pflege", "declined", "2015-02-11"),
    ("p4", "demo", "", None),
    ("p7", "demo", "attended", "2015-01-01"),
    ("p6", "pflege", "accepted", "2015-04-01"),  # p6 became active after the period
    ("p8", "umfrage", "", "2015-03-30"),
    ("p10", "demo", "accepted", "2015-06-29"),
]
CALLS = {"demo": ("Mietendemo", "call"), "pflege": ("Pflegeaktion", "call"), "umfrage": ("Wohnumfrage", "survey")}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def people(session):
    """The hand-counted people and their answers, inside the test's transaction; name -> id."""
    ids = {}
    for name, (ags, entered, active, member, source, topics) in PEOPLE.items():
        plz = session.scalar(select(Plz).where(Plz.kreis_ags == ags).order_by(Plz.plz).limit(1))
        status = "member" if member else "active" if active else "contact"
        c = Contact(
            first_name="Test",
            last_name=name,
            plz=plz.plz,
            kreis_ags=ags,
            kv_id=kv_of(session, ags),
            land_code=ags[:2],
            status=status,
            contact_since=D(entered),
            active_since=D(active) if active else None,
            member_since=D(member) if member else None,
            source=source,
        )
        session.add(c)
        session.flush()
        session.add_all([ContactTopic(contact_id=c.id, topic=t) for t in topics])
        ids[name] = c.id
    calls = {}
    for key, (title, kind) in CALLS.items():
        call = CallToAction(title=title, kind=kind, sent_at=datetime(2014, 12, 1, tzinfo=UTC))
        session.add(call)
        session.flush()
        calls[key] = call.id
    for person, call, response, day in ANSWERS:
        answered = datetime.fromisoformat(f"{day}T10:00:00+00:00") if day else None
        session.add(
            CallDelivery(
                call_id=calls[call],
                contact_id=ids[person],
                sent_at=datetime(2014, 12, 1, tzinfo=UTC),
                responded_at=answered,
                response=response,
            )
        )
    session.flush()
    return ids


def _row(df, label, key):
    rows = df[df[df.columns[0]] == key]
    assert len(rows) == 1, df
    return rows.iloc[0].to_dict()


def test_national_funnel_is_hand_counted(session, people):
    v = build_ladder(session, user_scope(session, "team"), START, END)
    assert (v.entered, v.became_active, v.became_member) == (9, 6, 4)
    c = v.cohort
    assert (c.entered, c.active, c.member) == (9, 6, 3)
    assert c.rate_active == pytest.approx(6 / 9) and c.rate_member == pytest.approx(3 / 6)
    # days to active: 0, 0, 2, 10, 30, 112 -> (2 + 10) / 2; active to member: 0, 10, 40
    assert (c.days_to_active, c.days_to_member) == (6.0, 10.0)
    assert not v.suppressed and v.region == "Deutschland"


def test_by_source(session, people):
    v = build_ladder(session, user_scope(session, "team"), START, END)
    infostand = _row(v.by_source, "Quelle", "Infostand")
    assert [infostand[k] for k in ("Eingetreten", "aktiv", "Mitglied")] == [3, 2, 1]
    assert infostand["Tage bis aktiv"] == 20.0 and infostand["Tage aktiv bis Mitglied"] == 40.0
    assert infostand["Anteil aktiv"] == pytest.approx(2 / 3) and infostand["Anteil Mitglied"] == pytest.approx(0.5)
    haustuer = _row(v.by_source, "Quelle", "Haustür")
    assert [haustuer[k] for k in ("Eingetreten", "aktiv", "Mitglied", "Tage bis aktiv")] == [2, 1, 0, 0.0]
    assert haustuer["Tage aktiv bis Mitglied"] is None
    web = _row(v.by_source, "Quelle", "Webformular")
    assert [web[k] for k in ("Eingetreten", "aktiv", "Mitglied", "Tage bis aktiv", "Tage aktiv bis Mitglied")] == [
        2,
        1,
        1,
        2.0,
        10.0,
    ]
    assert _row(v.by_source, "Quelle", "Social Media")["Tage bis aktiv"] == 112.0
    assert _row(v.by_source, "Quelle", "Import")["Eingetreten"] == 1
    empty = _row(v.by_source, "Quelle", "Veranstaltung")
    assert empty["Eingetreten"] == 0 and empty["Anteil aktiv"] is None and empty["Tage bis aktiv"] is None
    assert list(v.by_source["Quelle"]) == [
        "Infostand",
        "Haustür",
        "Veranstaltung",
        "Social Media",
        "Wahlkampf-App",
        "Webformular",
        "Import",
    ]


def test_cohorts_by_month_of_entry(session, people):
    v = build_ladder(session, user_scope(session, "team"), START, END)
    assert list(v.by_month["Monat"]) == [f"2015-0{m}" for m in range(1, 7)]
    expect = {
        "2015-01": [2, 2, 1, 20.0, 40.0],
        "2015-02": [2, 1, 1, 2.0, 10.0],
        "2015-03": [2, 1, 0, 112.0, None],
        "2015-04": [1, 1, 0, 0.0, None],
        "2015-05": [1, 0, 0, None, None],
        "2015-06": [1, 1, 1, 0.0, 0.0],
    }
    cols = ("Eingetreten", "aktiv", "Mitglied", "Tage bis aktiv", "Tage aktiv bis Mitglied")
    for month, values in expect.items():
        row = _row(v.by_month, "Monat", month)
        assert [row[k] for k in cols] == values, month


def test_by_topic(session, people):
    topics = build_topics(session, user_scope(session, "team"), START, END)
    cols = ("Eingetreten", "aktiv", "Mitglied", "Tage bis aktiv", "Tage aktiv bis Mitglied")
    assert [_row(topics, "Thema", "Miete")[k] for k in cols] == [4, 3, 2, 10.0, 25.0]
    assert [_row(topics, "Thema", "Pflege")[k] for k in cols] == [3, 2, 2, 5.0, 20.0]
    assert [_row(topics, "Thema", "Frieden")[k] for k in cols] == [2, 2, 0, 56.0, None]
    assert _row(topics, "Thema", "Klima")["Eingetreten"] == 0


def test_answers_before_becoming_active(session, people):
    v = build_ladder(session, user_scope(session, "team"), START, END)
    assert v.answered == {"call": 4, "survey": 2, "any": 6}
    by_title = {r["Titel"]: r for r in v.answers.to_dict("records")}
    assert set(by_title) == {"Mietendemo", "Pflegeaktion", "Wohnumfrage"}
    demo = by_title["Mietendemo"]
    assert (demo["Art"], demo["zugesagt"], demo["abgesagt"], demo["teilgenommen"], demo["beantwortet gesamt"]) == (
        "Aufruf",
        2,
        0,
        1,
        3,
    )
    assert (by_title["Pflegeaktion"]["abgesagt"], by_title["Pflegeaktion"]["beantwortet gesamt"]) == (1, 1)
    survey = by_title["Wohnumfrage"]
    assert (survey["Art"], survey["beantwortet"], survey["beantwortet gesamt"]) == ("Befragung", 2, 2)


def test_land_counts_only_its_land(session, people):
    v = build_ladder(session, user_scope(session, "lv-sachsen"), START, END)
    assert (v.entered, v.became_active, v.became_member) == (7, 5, 3)
    assert (v.cohort.active, v.cohort.member, v.cohort.days_to_active) == (5, 2, 10.0)
    assert v.answered == {"call": 3, "survey": 2, "any": 5}
    assert "Import" not in set(v.by_source[v.by_source["Eingetreten"] > 0]["Quelle"])  # p10 lives in Berlin
    assert v.region == "Sachsen"
    # A KV of its Land narrows it; a Land it does not own is refused.
    leipzig = build_ladder(session, user_scope(session, "lv-sachsen"), START, END, kv_id=kv_of(session, "14713"))
    assert leipzig.entered == 6
    with pytest.raises(ValidationError):
        build_ladder(session, user_scope(session, "lv-sachsen"), START, END, land_code="11")
    with pytest.raises(ValidationError):
        build_ladder(session, user_scope(session, "lv-sachsen"), START, END, kv_id=kv_of(session, "11000"))


def test_kreis_never_counts_another_kv(session, people):
    scope = user_scope(session, "kv-leipzig")
    v = build_ladder(session, scope, START, END)
    assert (v.entered, v.became_active, v.became_member) == (6, 4, 3)
    assert (v.cohort.active, v.cohort.member, v.cohort.days_to_active) == (4, 2, 20.0)
    assert v.answered == {"call": 3, "survey": 1, "any": 4}  # p1, p4, p7; p2 — p8 answered in Görlitz
    assert _row(v.by_source, "Quelle", "Haustür")["Eingetreten"] == 1  # p3, not p8
    topics = build_topics(session, scope, START, END)
    assert _row(topics, "Thema", "Frieden")["Eingetreten"] == 1
    with pytest.raises(ValidationError):
        build_ladder(session, scope, START, END, kv_id=kv_of(session, "14626"))
    with pytest.raises(ValidationError):
        build_ladder(session, scope, START, END, land_code="14")


def test_team_chooses_land_and_kv(session, people):
    team = user_scope(session, "team")
    assert build_ladder(session, team, START, END, land_code="11").entered == 2
    assert build_ladder(session, team, START, END, kv_id=kv_of(session, "14626")).entered == 1
    with pytest.raises(ValidationError):
        build_ladder(session, team, END, START)


def test_leitung_sees_germany_in_a_fixed_period_protected(session):
    v = build_ladder(session, Scope("leitung", user_id=6, username="leitung"), START, END, land_code="14")
    assert (v.start, v.end) == leitung_period() and v.region == "Deutschland" and v.suppressed
    shown = [v.entered, v.became_active, v.became_member, *v.answered.values()]
    for frame in (v.by_source, v.by_month):
        shown += [x for col in ("Eingetreten", "aktiv", "Mitglied") for x in frame[col]]
    shown += [x for col in v.answers.columns[2:] for x in v.answers[col]]
    assert not [x for x in shown if x is not None and 0 < x < 5]
    assert v.entered == session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.contact_since >= v.start, Contact.contact_since <= v.end)
    )
    # Complementary cells: what the shown parts leave of a shown total is no small group, and never one hidden part.
    for col, total in (("Eingetreten", v.cohort.entered), ("aktiv", v.cohort.active), ("Mitglied", v.cohort.member)):
        if total is None:
            continue
        rest = total - sum(x for x in v.by_source[col] if x is not None)
        hidden = sum(1 for x in v.by_source[col] if x is None)
        assert not 0 < rest < 5, col
        assert rest == 0 or hidden >= 2, col

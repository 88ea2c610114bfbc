"""Results of a survey: per question the counts per answer for the region and per Land, free texts, export.

For leitung every count passes services.privacy.suppression.protect (a Land × answer table with its totals:
counts under 5 hidden, and complementary cells so none can be recomputed) and free text is never shown.
Team and the sending area see the counts and the free texts, without names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db.models import CallToAction
from db.queries import calls as calls_q
from db.queries import surveys as q
from domain.errors import NotFoundError, PermissionDenied
from services.core import audit
from services.core.export import safe_csv
from services.core.scope import Scope, require_action
from services.privacy.suppression import HIDDEN, suppress_table, suppress_value
from services.surveys.questions import KINDS, Question, parse_options
from services.surveys.workflow import SurveyView, view

TOTAL = "alle Länder"


@dataclass(frozen=True)
class QuestionResult:
    """One question's results: counts per answer (None = hidden), per Land (a table), free texts (None = not shown)."""

    number: int
    question: Question
    totals: pd.DataFrame  # Antwort, Anzahl (None where hidden)
    by_land: pd.DataFrame  # Land, one column per answer, Summe (None where hidden)
    texts: pd.DataFrame | None  # Land, Antwort (free text), without names; None for leitung


@dataclass(frozen=True)
class SurveyResults:
    """A survey's results as the user may see them."""

    survey: SurveyView
    respondents: int | None
    questions: list[QuestionResult]
    protected: bool  # leitung: small counts hidden


def _load(session: Session, scope: Scope, call_id: int) -> CallToAction:
    require_action(scope, "surveys.results")
    call = session.get(CallToAction, call_id)
    if call is None or call.kind != "survey" or not calls_q.call_in_area(call, scope):
        raise NotFoundError("Diese Befragung gibt es nicht (oder nicht in deinem Gebiet).")
    return call


def _choice_result(
    number: int, question: Question, rows: list[tuple[int, str, int]], protected: bool
) -> QuestionResult:
    labels = question.labels()
    lands = sorted({land for _, land, _ in rows})
    counts = {(land, option): 0 for land in lands for option in labels}
    for option, land, n in rows:
        if option in labels:
            counts[land, option] += n
    if protected and counts:
        shown = suppress_table(counts)
        cells, land_totals, option_totals = shown.cells, shown.rows, shown.cols
    else:
        cells = dict(counts)
        land_totals = {land: sum(counts[land, o] for o in labels) for land in lands}
        option_totals = {o: sum(counts[land, o] for land in lands) for o in labels}
    totals = pd.DataFrame(
        {"Antwort": list(labels.values()), "Anzahl": [option_totals.get(o, 0) for o in labels]}, dtype=object
    )
    table = pd.DataFrame(
        [[land, *(cells[land, o] for o in labels), land_totals[land]] for land in lands],
        columns=["Land", *labels.values(), "Summe"],
        dtype=object,
    )
    return QuestionResult(number, question, totals, table, None)


def results(session: Session, scope: Scope, call_id: int) -> SurveyResults:
    """The survey's results in the user's area (leitung: all Germany, protected, no free text)."""
    call = _load(session, scope, call_id)
    protected = not scope.sees_persons
    survey = view(session, call)
    by_question: dict[int, list[tuple[int, str, int]]] = {}
    for qid, option, land, n in q.option_counts(session, scope, call.id):
        by_question.setdefault(qid, []).append((option, land, n))
    texts: dict[int, list[tuple[str, str]]] = {}
    if not protected:
        for qid, land, text in q.free_texts(session, scope, call.id):
            texts.setdefault(qid, []).append((land, text))
    out = []
    for number, row in enumerate(q.questions(session, call.id), start=1):
        question = Question(row.kind, row.text, parse_options(row.options))
        if question.kind == "text":
            shown = None if protected else pd.DataFrame(texts.get(row.id, []), columns=["Land", "Antwort"])
            out.append(QuestionResult(number, question, pd.DataFrame(), pd.DataFrame(), shown))
        else:
            out.append(_choice_result(number, question, by_question.get(row.id, []), protected))
    n = q.respondents(session, scope, call.id)
    if protected:
        # The number of people who answered is the grand total of a question everyone answered: shown
        # only when no question's table hides a figure, so it cannot give a hidden total back.
        hidden_any = any(
            qr.by_land.isna().any().any() or qr.totals.isna().any().any() for qr in out if qr.question.kind != "text"
        )
        n = None if hidden_any else suppress_value(n)
    return SurveyResults(survey, n, out, protected)


def export_counts(session: Session, scope: Scope, call_id: int) -> bytes:
    """The aggregated results as CSV (question, answer, Land, count; hidden counts '< 5'); audited."""
    res = results(session, scope, call_id)
    rows = []
    for qr in res.questions:
        if qr.question.kind == "text":
            continue
        labels = list(qr.question.labels().values())
        for i, label in enumerate(labels):
            total = qr.totals["Anzahl"].iloc[i]
            rows.append((qr.number, qr.question.text, KINDS[qr.question.kind], label, TOTAL, total))
            for _, land_row in qr.by_land.iterrows():
                rows.append(
                    (qr.number, qr.question.text, KINDS[qr.question.kind], label, land_row["Land"], land_row[label])
                )
    df = pd.DataFrame(rows, columns=["Frage Nr.", "Frage", "Art", "Antwort", "Land", "Anzahl"], dtype=object)
    df["Anzahl"] = df["Anzahl"].map(lambda v: HIDDEN if v is None else int(v))
    audit.record(session, scope, "survey_export", "survey", call_id, rows=len(df), protected=res.protected)
    session.commit()
    return safe_csv(df)


def export_texts(session: Session, scope: Scope, call_id: int) -> bytes:
    """The free-text answers as CSV (question, Land, text; no names); not for leitung; audited."""
    if not scope.sees_persons:
        raise PermissionDenied("Freitext-Antworten sieht deine Rolle nicht, nur die gezählten Antworten.")
    res = results(session, scope, call_id)
    rows = [
        (qr.number, qr.question.text, land, text)
        for qr in res.questions
        if qr.texts is not None
        for land, text in qr.texts.itertuples(index=False)
    ]
    df = pd.DataFrame(rows, columns=["Frage Nr.", "Frage", "Land", "Antwort"])
    audit.record(session, scope, "survey_export_text", "survey", call_id, rows=len(df))
    session.commit()
    return safe_csv(df)

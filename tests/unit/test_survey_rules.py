"""Survey rules without a database: composing questions, checking one person's answers, protected results."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from services.info.workflow import InfoView, mail_text
from services.surveys.questions import Question, check_answer, check_questions, parse_options
from services.surveys.results import _choice_result


def test_questions_are_tidied_and_checked():
    qs = check_questions([Question("single", "  Wie  oft? ", ("ja", "ja", " nein ", ""))])
    assert qs == [Question("single", "Wie oft?", ("ja", "nein"))]
    assert parse_options("a\n\n b \n") == ("a", "b")
    with pytest.raises(ValidationError, match="Frage 2: bitte schreib"):
        check_questions([Question("scale", "Wichtig?"), Question("text", "  ")])
    with pytest.raises(ValidationError, match="Frage 1: bitte wähle die Art"):
        check_questions([Question("dropdown", "Was?")])
    with pytest.raises(ValidationError, match="gib 2 bis 10"):
        check_questions([Question("multi", "Was?", tuple(str(i) for i in range(11)))])
    # Scale and free text keep no options.
    assert check_questions([Question("scale", "Wie sehr?", ("x", "y"))])[0].options == ()


def test_answers_are_checked_per_kind():
    single, multi = Question("single", "A?", ("ja", "nein")), Question("multi", "B?", ("x", "y", "z"))
    assert check_answer(1, single, 2) == [(2, "")]
    assert check_answer(1, multi, [3, 1, 3]) == [(1, ""), (3, "")]
    assert check_answer(1, Question("scale", "C?"), 5) == [(5, "")]
    assert check_answer(1, Question("text", "D?"), "  gut  ") == [(None, "gut")]
    assert check_answer(1, single, None) == [] and check_answer(1, multi, []) == []
    for question, value in ((single, 3), (multi, [0]), (Question("scale", "C?"), 6), (single, "x")):
        with pytest.raises(ValidationError, match="gibt es nicht"):
            check_answer(1, question, value)
    with pytest.raises(ValidationError, match="zu lang"):
        check_answer(4, Question("text", "D?"), "a" * 1001)


def test_leitung_sees_no_small_count_and_no_complement():
    question = Question("single", "A?", ("ja", "nein"))
    rows = [(1, "Bayern", 6), (2, "Bayern", 2), (1, "Berlin", 7), (2, "Berlin", 8)]
    open_ = _choice_result(1, question, rows, protected=False)
    assert list(open_.totals["Anzahl"]) == [13, 10]
    assert open_.by_land.set_index("Land").loc["Bayern", "nein"] == 2
    shown = _choice_result(1, question, rows, protected=True).by_land.set_index("Land")
    assert shown.loc["Bayern", "nein"] is None
    # Bayern's total (8) and "ja" (6) would give the 2 back: one more figure of the row is hidden.
    assert shown.loc["Bayern", "ja"] is None or shown.loc["Bayern", "Summe"] is None


def test_info_mail_names_the_topics_it_comes_for():
    view = InfoView(1, "T", "Text der Info.", ("miete", "pflege"), "national", None, None, None, 0)
    text = mail_text(view)
    assert text.startswith(",\n\nText der Info.") and "für Miete, Pflege interessierst" in text

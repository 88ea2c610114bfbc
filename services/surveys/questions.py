"""The questions of a survey: kinds, options, checks of the composed questions and of one person's answers."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import ValidationError
from services.core import validate

KINDS = {"single": "eine Antwort wählen", "multi": "mehrere Antworten wählen", "scale": "Skala 1–5", "text": "Freitext"}
SCALE = {1: "1 – gar nicht", 2: "2", 3: "3", 4: "4", 5: "5 – voll und ganz"}
MAX_QUESTIONS = 10
MAX_OPTIONS = 10
MAX_FREE_TEXT = 1000
QUESTION = validate.Field("die Frage", "eine Frage", 300)
OPTION = validate.Field("die Antwortmöglichkeit", "eine Antwortmöglichkeit", 120)
FREE_TEXT = validate.Field("deine Antwort", "eine Antwort", MAX_FREE_TEXT, multiline=True)


@dataclass(frozen=True)
class Question:
    """A question as composed: its kind (KINDS), text, and for single and multiple choice the options."""

    kind: str
    text: str
    options: tuple[str, ...] = ()

    def labels(self) -> dict[int, str]:
        """Option number -> label (1-based; the scale's 1–5)."""
        if self.kind == "scale":
            return dict(SCALE)
        return {i + 1: label for i, label in enumerate(self.options)}


def parse_options(text: str) -> tuple[str, ...]:
    """The options typed one per line (blank lines dropped)."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def check_questions(questions: list[Question]) -> list[Question]:
    """The questions tidied; a German ValidationError for the first thing wrong (1–10 questions, 2–10 options)."""
    if not questions:
        raise ValidationError("Eine Befragung braucht mindestens eine Frage.")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(f"Eine Befragung hat höchstens {MAX_QUESTIONS} Fragen.")
    out = []
    for n, q in enumerate(questions, start=1):
        if q.kind not in KINDS:
            raise ValidationError(f"Frage {n}: bitte wähle die Art der Frage.")
        text = validate.text(q.text, QUESTION)
        if not text:
            raise ValidationError(f"Frage {n}: bitte schreib die Frage.")
        options: tuple[str, ...] = ()
        if q.kind in ("single", "multi"):
            options = tuple(dict.fromkeys(validate.text(o, OPTION) for o in q.options if o.strip()))
            if not 2 <= len(options) <= MAX_OPTIONS:
                raise ValidationError(
                    f"Frage {n}: gib 2 bis {MAX_OPTIONS} verschiedene Antwortmöglichkeiten an, eine pro Zeile."
                )
        out.append(Question(q.kind, text, options))
    return out


def check_answer(n: int, question: Question, value) -> list[tuple[int | None, str]]:
    """One person's answer to question n as rows (option, text); [] when left empty; ValidationError if invalid."""
    if value is None or value == "" or value == [] or value == ():
        return []
    if question.kind == "text":
        text = validate.text(value, FREE_TEXT)
        return [(None, text)] if text else []
    if question.kind == "multi":
        chosen = sorted({int(v) for v in value})
        if any(v not in question.labels() for v in chosen):
            raise ValidationError(f"Frage {n}: diese Antwort gibt es nicht.")
        return [(v, "") for v in chosen]
    try:
        chosen = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Frage {n}: diese Antwort gibt es nicht.") from exc
    if chosen not in question.labels():
        raise ValidationError(f"Frage {n}: diese Antwort gibt es nicht.")
    return [(chosen, "")]

"""leitung's ladder figures through the one secondary suppression (services.privacy.suppression.protect).

Every group (a source, a month of entry, a topic, the whole cohort) is a line: entered = still a contact +
active now, active = active only + member; a split that divides the cohort (sources, months) adds the
column lines: the whole cohort's figures are the sums of the groups'. Rates and medians are hidden with
the count they are computed from.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from services.ladder.stats import Step, rate
from services.privacy.suppression import protect

FIGURES = ("E", "A", "M", "C", "X")  # entered, active, member, still a contact, active only


@dataclass(frozen=True)
class Shown:
    """One group's figures as shown: None where hidden (or, for rates and medians, where there is none)."""

    entered: int | None
    active: int | None
    member: int | None
    rate_active: float | None
    rate_member: float | None
    days_to_active: float | None
    days_to_member: float | None


def shown_plain(step: Step) -> Shown:
    """A group's figures unprotected (roles that see persons)."""
    return Shown(
        step.entered,
        step.active,
        step.member,
        rate(step.active, step.entered),
        rate(step.member, step.active),
        step.days_to_active if step.active else None,
        step.days_to_member if step.member else None,
    )


def _values(key: Hashable, step: Step) -> dict:
    return {
        (key, "E"): step.entered,
        (key, "A"): step.active,
        (key, "M"): step.member,
        (key, "C"): step.contact_only,
        (key, "X"): step.active_only,
    }


def _row_lines(key: Hashable) -> list:
    # entered = still a contact + active only + member; active = active only + member; and what follows:
    # entered = still a contact + active (E - A reveals C).
    return [
        ((key, "E"), [(key, "C"), (key, "X"), (key, "M")]),
        ((key, "A"), [(key, "X"), (key, "M")]),
        ((key, "E"), [(key, "C"), (key, "A")]),
    ]


def _shown(key: Hashable, step: Step, hidden: set) -> Shown:
    def count(f: str, value: int) -> int | None:
        return None if (key, f) in hidden else value

    entered, active, member = count("E", step.entered), count("A", step.active), count("M", step.member)
    return Shown(
        entered,
        active,
        member,
        rate(active, entered),
        rate(member, active),
        step.days_to_active if active else None,
        step.days_to_member if member else None,
    )


def protect_ladder(
    total: Step | None, splits: Mapping[str, Mapping[str, Step]], overlapping: Mapping[str, Mapping[str, Step]]
) -> tuple[Shown | None, dict[str, dict[str, Shown]]]:
    """The whole cohort and its groups as leitung may see them, protected together.

    splits: name -> groups that divide the cohort (their sums are the total); overlapping: name -> groups
    a person can be in several of (topics), protected each on its own lines. Without a total: groups only."""
    values = _values("total", total) if total is not None else {}
    lines = _row_lines("total") if total is not None else []
    for name, groups in {**splits, **overlapping}.items():
        for g, step in groups.items():
            values |= _values((name, g), step)
            lines += _row_lines((name, g))
        if name in splits and total is not None:
            lines += [(("total", f), [((name, g), f) for g in groups]) for f in FIGURES]
    # Still-a-contact and active-only are never shown (they follow from E - A and A - M): pooled, so that
    # they may follow when not small, and a small one makes its line hide more.
    pooled = [k for k in values if k[1] in ("C", "X")]
    hidden = protect(values, lines, pooled=pooled)
    out = {
        name: {g: _shown((name, g), step, hidden) for g, step in groups.items()}
        for name, groups in {**splits, **overlapping}.items()
    }
    return (_shown("total", total, hidden) if total is not None else None), out


def protect_answers(became_active: int, persons: Mapping[str, int]) -> tuple[int | None, dict[str, int | None]]:
    """Who became active, and of them who had answered a call, a survey, either: protected as one set of lines."""
    both = persons["call"] + persons["survey"] - persons["any"]
    values = {
        "active": became_active,
        "none": became_active - persons["any"],
        "any": persons["any"],
        "call": persons["call"],
        "survey": persons["survey"],
        "both": both,
        "call_only": persons["call"] - both,
        "survey_only": persons["survey"] - both,
    }
    lines = [
        ("active", ["none", "any"]),
        ("any", ["call_only", "survey_only", "both"]),
        ("call", ["call_only", "both"]),
        ("survey", ["survey_only", "both"]),
        ("any", ["call", "survey_only"]),  # any - call reveals who answered only a survey
        ("any", ["survey", "call_only"]),
    ]
    # The groups never shown (they follow from the shown ones by subtraction): pooled, see protect_ladder.
    hidden = protect(values, lines, pooled=["none", "both", "call_only", "survey_only"])
    shown = {k: None if k in hidden else values[k] for k in ("any", "call", "survey")}
    return (None if "active" in hidden else became_active), shown

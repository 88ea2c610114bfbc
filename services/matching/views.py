"""Read models for the Helfer:innen pages: assignments with the persons the scope may see."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.queries.matching import assignments as q
from domain.enums import ASSIGNMENT_STATUSES, SKILLS
from services.core.scope import Scope, require_persons

NOT_SHARED = "noch nicht freigegeben – das Linksaktiv-Team fragt die Person zuerst"


def assignments_view(session: Session, scope: Scope, statuses=None, lead_id: int | None = None) -> pd.DataFrame:
    """Assignments of leads in the area; names and contact data only where the scope may see the person."""
    require_persons(scope)
    df = q.assignments_frame(session, scope, statuses, lead_id)
    people = q.visible_people(session, scope, set(df["contact_id"])) if len(df) else {}
    df["person"] = [people[c][0] if c in people else NOT_SHARED for c in df["contact_id"]]
    df["kontakt"] = [" · ".join(v for v in people[c][1:] if v) if c in people else "" for c in df["contact_id"]]
    df["sichtbar"] = [c in people for c in df["contact_id"]]
    df["skill_label"] = [SKILLS.get(s, s) for s in df["skill"]]
    df["status_label"] = [ASSIGNMENT_STATUSES.get(s, s) for s in df["status"]]
    return df


def open_by_kreis(session: Session, scope: Scope, today: date | None = None) -> pd.DataFrame:
    """Helpers still needed and open offers per Kreis in the area (counts only)."""
    return q.open_by_kreis(session, scope, today or date.today())


def plain_outcome(solution) -> dict[str, float | int | None]:
    """What a solution means for staff: helpers placed, helpers still missing, mean distance in km."""
    km = [p.distance_km for p in solution.proposals]
    return {
        "placed": solution.placed,
        "open": solution.needs_left_open,
        "mean_km": sum(km) / len(km) if km else None,
    }


def gap_by_kreis(by_kreis):
    """Open needs minus open offers per Kreis, the largest gap first."""
    df = by_kreis.assign(luecke=by_kreis["offene_bedarfe"] - by_kreis["offene_angebote"])
    return df.sort_values(["luecke", "name"], ascending=[False, True]).reset_index(drop=True)

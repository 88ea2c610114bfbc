"""Order lists as the pages show them (German column names and status labels)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import newspaper as q
from domain.enums import ORDER_STATUSES
from domain.formatting import format_datetime
from services.core.scope import Scope

MAX_ROWS = 500


def order_table(
    session: Session, scope: Scope, edition_id: int, statuses, limit: int = MAX_ROWS, newest_first: bool = False
) -> pd.DataFrame:
    """Up to limit orders of the edition in statuses (sorted by PLZ, or newest first), for display."""
    df = q.orders_frame(session, scope, edition_id, statuses, limit=limit, newest_first=newest_first)
    return pd.DataFrame(
        {
            "Nr.": df["id"].astype(int),
            "Status": df["status"].map(ORDER_STATUSES),
            "Name": df["name"],
            "Straße": df["street"],
            "PLZ": df["plz"],
            "Ort": df["city"],
            "Kreisverband": df["kv"],
            "Exemplare": df["copies"],
            "Sendungsnummer": df["tracking_number"],
            "Begründung": df["override_reason"],
            "angefragt": [format_datetime(v) for v in df["requested_at"]],
        }
    )

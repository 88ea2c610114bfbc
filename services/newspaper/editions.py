"""Newspaper editions: create, change the stock, and the figures per edition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.models import NewspaperEdition
from db.queries import newspaper as q
from domain.enums import ORDER_STATUSES
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.keys import name_key
from services.core import audit, validate
from services.core.scope import Scope, require_action, require_persons

SHIPPED_STATUSES = ("shipped", "delivered")


@dataclass
class EditionFigures:
    """Stock and orders of one edition in the scope's area."""

    copies_in_stock: int
    reserved: int
    available: int
    shipped: int
    by_status: dict[str, tuple[int, int]]
    by_land: pd.DataFrame
    by_kv: pd.DataFrame


def create_edition(
    session: Session,
    scope: Scope,
    title: str,
    campaign: str,
    edition_date: date,
    copies_in_stock: int,
    copies_per_bundle: int,
) -> int:
    """Validate and store a new edition; returns its id."""
    require_action(scope, "newspaper.editions")
    title = validate.text(title, "edition.title", required=True)
    campaign = validate.text(campaign, "edition.campaign")
    if not isinstance(edition_date, date):
        raise ValidationError("Bitte gib das Erscheinungsdatum an.")
    if int(copies_in_stock) < 0:
        raise ValidationError("Der Bestand darf nicht negativ sein.")
    if int(copies_per_bundle) < 1:
        raise ValidationError("Ein Bündel hat mindestens ein Exemplar.")
    if any(name_key(other) == name_key(title) for _, other in q.edition_titles_on(session, edition_date)):
        # A form sent twice must not make the same edition twice (DESIGN §3.4).
        raise ConflictError(
            "Eine Ausgabe mit diesem Titel und diesem Erscheinungsdatum gibt es schon. Es wurde nichts doppelt angelegt."
        )
    edition = NewspaperEdition(
        title=title,
        campaign=campaign,
        edition_date=edition_date,
        copies_in_stock=int(copies_in_stock),
        copies_per_bundle=int(copies_per_bundle),
    )
    session.add(edition)
    session.flush()
    audit.record(
        session,
        scope,
        "newspaper_edition_create",
        "newspaper_edition",
        edition.id,
        copies_in_stock=edition.copies_in_stock,
        copies_per_bundle=edition.copies_per_bundle,
    )
    session.commit()
    return edition.id


def set_stock(session: Session, scope: Scope, edition_id: int, copies_in_stock: int) -> None:
    """Change the stock; refused below the copies already set aside."""
    require_action(scope, "newspaper.editions")
    edition = q.lock_edition(session, edition_id)
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    reserved = q.reserved_copies(session, edition_id)
    if int(copies_in_stock) < reserved:
        raise ConflictError(f"{reserved} Exemplare sind schon bestellt; der Bestand kann nicht kleiner sein.")
    old = edition.copies_in_stock
    edition.copies_in_stock = int(copies_in_stock)
    audit.record(
        session, scope, "newspaper_edition_stock", "newspaper_edition", edition_id, old=old, new=int(copies_in_stock)
    )
    session.commit()


@dataclass(frozen=True)
class EditionInfo:
    """An edition as pages keep it across reruns (no database object)."""

    id: int
    title: str
    campaign: str
    edition_date: date
    copies_in_stock: int
    copies_per_bundle: int


def editions(session: Session) -> list[EditionInfo]:
    """All editions, newest first."""
    return [
        EditionInfo(e.id, e.title, e.campaign, e.edition_date, e.copies_in_stock, e.copies_per_bundle)
        for e in q.list_editions(session)
    ]


def edition_list(session: Session, scope: Scope) -> list[EditionInfo]:
    """editions for a page's read door: the editions are the same for every scope (reference data)."""
    return editions(session)


def edition_label(edition) -> str:
    """How an edition is named in select boxes."""
    return f"{edition.title} ({edition.edition_date:%d.%m.%Y})"


def figures(session: Session, scope: Scope, edition_id: int) -> EditionFigures:
    """Stock, set aside, shipped, and counts by status, Land and KV for the scope's area."""
    require_persons(scope)
    edition = session.get(NewspaperEdition, edition_id)
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    data = q.edition_figures(session, scope, edition_id)
    reserved = q.reserved_copies(session, edition_id)
    shipped = sum(c for s, (_, c) in data["by_status"].items() if s in SHIPPED_STATUSES)
    by_status = {s: data["by_status"].get(s, (0, 0)) for s in ORDER_STATUSES}
    return EditionFigures(
        copies_in_stock=edition.copies_in_stock,
        reserved=reserved,
        available=edition.copies_in_stock - reserved,
        shipped=shipped,
        by_status=by_status,
        by_land=_pivot(data["by_land"], "Land"),
        by_kv=_pivot(data["by_kv"], "Kreisverband"),
    )


def _pivot(df: pd.DataFrame, key: str) -> pd.DataFrame:
    # One row per region: copies ordered (not cancelled/returned) and shipped.
    if df.empty:
        return pd.DataFrame(columns=[key, "Bestellungen", "Exemplare bestellt", "Exemplare versandt"])
    live = df[~df["status"].isin(q.RELEASED)]
    out = live.groupby(key).agg(Bestellungen=("Bestellungen", "sum"), **{"Exemplare bestellt": ("Exemplare", "sum")})
    sent = df[df["status"].isin(SHIPPED_STATUSES)].groupby(key)["Exemplare"].sum()
    out["Exemplare versandt"] = sent.reindex(out.index).fillna(0).astype(int)
    return out.reset_index().sort_values("Exemplare bestellt", ascending=False)

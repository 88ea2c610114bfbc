"""Region choices for the batch form, limited to the user's area."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.queries import newspaper as q
from services.core.scope import Scope


def region_choices(session: Session, scope: Scope):
    """(Länder as (code, name), KVs as (id, name, land_code)) the user may choose from."""
    return q.regions(session, scope)


@dataclass(frozen=True)
class BatchRegions:
    """What the batch form offers: all Germany (national roles only), the Länder and the KVs of the area."""

    nationwide: bool
    lands: list[tuple[str, str]]
    kvs: list[tuple[int, str, str]]


def batch_regions(session: Session, scope: Scope) -> BatchRegions:
    """The region choices of the batch form; a Land's staff choose within their Land, not all Germany."""
    lands, kvs = q.regions(session, scope)
    return BatchRegions(nationwide=scope.level == "national", lands=lands, kvs=kvs)

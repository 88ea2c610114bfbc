"""Which Kreise each Kreisverband covers: move a Kreis, create and rename KVs (admin, audited).

A contact's KV is derived from PLZ → Kreis → KV. Moving a Kreis therefore moves its contacts
(and the offices located in it) to the new KV in one bulk update; a KV left without Kreise
keeps no contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db.models import Kreis, Kreisverband, Land
from db.queries.admin import kv_coverage as q
from db.queries.common.area_names import kv_names_of_land
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit, validate
from services.core.scope import Scope, require_action


@dataclass(frozen=True)
class MoveResult:
    """What moving a Kreis changed."""

    contacts_moved: int
    offices_moved: int
    source_now_empty: bool


def coverage(session: Session, scope: Scope, land_code: str | None = None) -> pd.DataFrame:
    """One row per Kreis: ags, kreis, land, kv_id, kv_name, contacts (admin only)."""
    require_action(scope, "admin.kv")
    return q.coverage_frame(session, land_code)


def kvs_of_land(session: Session, scope: Scope, land_code: str) -> dict[int, str]:
    """The KVs of a Land by id with their name (also those without Kreise; admin only)."""
    require_action(scope, "admin.kv")
    return kv_names_of_land(session, land_code)


def _check_name(session: Session, name: str, exclude_id: int | None = None) -> str:
    name = validate.text(name, "kv.name")
    if len(name) < 3:
        raise ValidationError("Der Name eines Kreisverbands braucht mindestens 3 Zeichen.")
    if q.kv_id_named(session, name, exclude_id) is not None:
        raise ConflictError("Einen Kreisverband mit diesem Namen gibt es schon. Bitte wähle einen anderen Namen.")
    return name


def create_kv(session: Session, scope: Scope, name: str, land_code: str) -> int:
    """Create a KV (still without Kreise) in a Land; audited; commits; returns its id."""
    require_action(scope, "admin.kv")
    if session.get(Land, land_code) is None:
        raise ValidationError("Diesen Landesverband gibt es nicht.")
    kv = Kreisverband(name=_check_name(session, name), land_code=land_code)
    session.add(kv)
    session.flush()
    audit.record(session, scope, "kv_created", "kreisverband", kv.id, land_code=land_code)
    session.commit()
    return kv.id


def rename_kv(session: Session, scope: Scope, kv_id: int, name: str) -> None:
    """Rename a KV; audited; commits."""
    require_action(scope, "admin.kv")
    kv = session.get(Kreisverband, kv_id)
    if kv is None:
        raise NotFoundError("Diesen Kreisverband gibt es nicht.")
    kv.name = _check_name(session, name, exclude_id=kv_id)
    audit.record(session, scope, "kv_renamed", "kreisverband", kv.id)
    session.commit()


def move_kreis(session: Session, scope: Scope, ags: str, target_kv_id: int) -> MoveResult:
    """Let another KV of the same Land cover a Kreis; its contacts and offices follow; audited; commits."""
    require_action(scope, "admin.kv")
    kreis = session.get(Kreis, ags)
    if kreis is None:
        raise NotFoundError("Diesen Kreis gibt es nicht.")
    target = session.get(Kreisverband, target_kv_id)
    if target is None:
        raise NotFoundError("Diesen Kreisverband gibt es nicht.")
    if target.land_code != kreis.land_code:
        raise ValidationError("Ein Kreis kann nur zu einem Kreisverband desselben Landes wechseln.")
    source_id = kreis.kv_id
    if source_id == target.id:
        raise ValidationError("Dieser Kreis gehört schon zu diesem Kreisverband.")
    kreis.kv_id = target.id
    session.flush()
    moved = q.move_contacts_of_kreis(session, ags, target.id)
    offices = q.move_offices_of_kreis(session, ags, source_id, target.id)
    left = q.kreis_count(session, source_id)
    if not left:
        # A KV without Kreise keeps no contacts: re-derive any stragglers from their Kreis.
        q.rederive_contacts_kv(session, source_id)
    audit.record(
        session, scope, "kreis_moved", "kreis", ags, from_kv=source_id, to_kv=target.id, contacts=moved, offices=offices
    )
    session.commit()
    return MoveResult(contacts_moved=moved, offices_moved=offices, source_now_empty=not left)

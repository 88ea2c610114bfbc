"""Queries of the Zeitungsversand: eligible contacts, stock, orders, figures per edition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import (
    Boolean,
    Integer,
    Select,
    String,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    Contact,
    ContactTopic,
    DispatchOrder,
    Kreis,
    Kreisverband,
    Land,
    NewspaperEdition,
    Office,
    Plz,
)
from db.queries.common import area_names
from db.queries.common.staging import staged
from db.queries.contacts.consent import active_consent_filter, consent_active_exists
from db.scope import Scope, apply_area, apply_scope, require_persons
from db.types import UTCDateTime

RELEASED = ("cancelled", "returned")


@dataclass(frozen=True)
class BatchFilter:
    """Who a batch is for: region (Land and/or KV, None = all the scope sees), topic, status, reach."""

    reach_km: float
    land_code: str | None = None
    kv_id: int | None = None
    topic: str | None = None
    status: str | None = None


def lock_edition(session: Session, edition_id: int) -> NewspaperEdition | None:
    """Lock the edition for this transaction (row lock on PostgreSQL, write lock on SQLite) and load it.

    A no-op UPDATE is the portable lock: PostgreSQL holds the row until commit, SQLite takes its
    write lock, so every order-creating transaction counts the stock one after another.
    """
    session.execute(
        text("UPDATE newspaper_edition SET copies_in_stock = copies_in_stock WHERE id = :id"), {"id": edition_id}
    )
    return session.get(NewspaperEdition, edition_id, populate_existing=True)


def reserved_copies(session: Session, edition_id: int) -> int:
    """Copies set aside for the edition: all orders that are not cancelled or returned."""
    stmt = select(func.coalesce(func.sum(DispatchOrder.copies), 0)).where(
        DispatchOrder.edition_id == edition_id, DispatchOrder.status.not_in(RELEASED)
    )
    return int(session.scalar(stmt) or 0)


def _open_order_exists(edition_id: int, contact=Contact):
    return exists(
        select(DispatchOrder.id).where(
            DispatchOrder.edition_id == edition_id,
            DispatchOrder.contact_id == contact.id,
            DispatchOrder.status != "cancelled",
        )
    )


def contact_facts(session: Session, scope: Scope, contact_id: int, edition_id: int | None) -> dict | None:
    """Everything eligibility needs about one contact of the scope (ContactFacts fields), or None."""
    consent = active_consent_filter("newspaper", "post").label("consent")
    stmt = apply_scope(
        select(Contact, consent, Plz.plz.label("known"), Plz.nearest_office_km, Office)
        .outerjoin(Plz, Plz.plz == Contact.plz)
        .outerjoin(Office, Office.id == Plz.nearest_office_id)
        .where(Contact.id == contact_id),
        scope,
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    c, has_consent, known, km, office = row
    open_status = None
    if edition_id is not None:
        open_status = session.scalar(
            select(DispatchOrder.status)
            .where(
                DispatchOrder.edition_id == edition_id,
                DispatchOrder.contact_id == contact_id,
                DispatchOrder.status != "cancelled",
            )
            .limit(1)
        )
    return dict(
        contact_id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        street=c.street,
        plz=c.plz,
        city=c.city,
        plz_known=known is not None,
        consent_post=bool(has_consent),
        nearest_office_id=office.id if office else None,
        nearest_office_name=office.name if office else None,
        nearest_office_address=f"{office.street}, {office.plz} {office.city}" if office else "",
        nearest_office_hours=office.opening_hours if office else "",
        nearest_office_km=km,
        open_order_status=open_status,
        kv_id=c.kv_id,
        land_code=c.land_code,
    )


def _complete_address():
    # Inline '' (not a bound parameter): only then does SQLite see that the partial index
    # ix_contact_plz_address already implies these terms and skip reading the contact rows.
    empty = literal_column("''")
    return Contact.street != empty, Contact.city != empty


def batch_select(scope: Scope, edition_id: int, flt: BatchFilter, *columns) -> Select:
    """Contacts a batch would order for: scope, region, no office in reach, consent, address, no order yet."""
    stmt = (
        select(*columns)
        .select_from(Contact)
        .join(Plz, Plz.plz == Contact.plz)
        .where(
            or_(Plz.nearest_office_km.is_(None), Plz.nearest_office_km > flt.reach_km),
            *_complete_address(),
            consent_active_exists("newspaper", "post"),
            ~_open_order_exists(edition_id),
        )
    )
    if flt.land_code:
        stmt = stmt.where(Contact.land_code == flt.land_code)
    if flt.kv_id:
        stmt = stmt.where(Contact.kv_id == flt.kv_id)
    if flt.status:
        stmt = stmt.where(Contact.status == flt.status)
    if flt.topic:
        stmt = stmt.where(
            exists(
                select(ContactTopic.contact_id).where(
                    ContactTopic.contact_id == Contact.id, ContactTopic.topic == flt.topic
                )
            )
        )
    return apply_scope(stmt, scope)


def batch_count(session: Session, scope: Scope, edition_id: int, flt: BatchFilter) -> int:
    """How many contacts the batch would order for."""
    return int(session.scalar(batch_select(scope, edition_id, flt, func.count())) or 0)


def batch_sample(session: Session, scope: Scope, edition_id: int, flt: BatchFilter, n: int = 10) -> pd.DataFrame:
    """A few of the batch's contacts for the preview (name, PLZ, place, km to the nearest office)."""
    stmt = (
        batch_select(
            scope,
            edition_id,
            flt,
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            Contact.plz,
            Contact.city,
            Plz.nearest_office_km,
        )
        .order_by(Contact.id)
        .limit(n)
    )
    return pd.DataFrame(
        session.execute(stmt).all(), columns=["id", "Vorname", "Nachname", "PLZ", "Ort", "km zur Geschäftsstelle"]
    )


def insert_batch(
    session: Session, scope: Scope, edition_id: int, flt: BatchFilter, copies: int, user_id: int | None, at: datetime
) -> int:
    """Create the batch's orders and timeline entries in one INSERT ... SELECT each; returns orders made."""
    cols = [
        "edition_id",
        "contact_id",
        "copies",
        "ship_name",
        "ship_street",
        "ship_plz",
        "ship_city",
        "kv_id",
        "land_code",
        "free_shipping",
        "override_reason",
        "status",
        "tracking_number",
        "created_by",
        "requested_at",
    ]
    with staged(session, batch_select(scope, edition_id, flt, Contact.id), "batch_contacts") as batch:
        src = select(
            literal(edition_id, Integer),
            Contact.id,
            literal(copies, Integer),
            Contact.first_name + literal(" ", String) + Contact.last_name,
            Contact.street,
            Contact.plz,
            Contact.city,
            Contact.kv_id,
            Contact.land_code,
            literal(True, Boolean),
            literal("", String),
            literal("requested", String),
            literal("", String),
            literal(user_id, Integer),
            literal(at, UTCDateTime),
        ).join(batch, batch.c.id == Contact.id)
        session.execute(insert(DispatchOrder).from_select(cols, src))
    # rowcount of INSERT ... SELECT is -1 through psycopg here: count the rows this batch made instead.
    made = session.scalar(
        select(func.count())
        .select_from(DispatchOrder)
        .where(DispatchOrder.edition_id == edition_id, DispatchOrder.requested_at == literal(at, UTCDateTime))
    )
    add_timeline(session, edition_id, at, user_id)
    return int(made or 0)


def add_timeline(session: Session, edition_id: int, at: datetime, user_id: int | None) -> None:
    """One timeline entry per order of this edition requested at `at` (the orders just created)."""
    src = select(
        DispatchOrder.contact_id,
        literal("newspaper_order", String),
        literal(at, UTCDateTime),
        literal("", String),
        literal("dispatch_order", String),
        DispatchOrder.id,
        literal(user_id, Integer),
    ).where(
        DispatchOrder.edition_id == edition_id,
        DispatchOrder.requested_at == literal(at, UTCDateTime),
        DispatchOrder.contact_id.is_not(None),
    )
    session.execute(
        insert(Activity).from_select(
            ["contact_id", "kind", "occurred_at", "note", "ref_type", "ref_id", "user_id"], src
        )
    )


def _orders_where(stmt, scope: Scope, edition_id: int, statuses, land_code: str | None):
    # The orders of one edition whose person the scope may see now (KV and Land staff: through
    # apply_scope on the contact, so a person who moved away leaves the old KV's list; erased
    # persons' orders keep no name and show to the team only), optionally in some statuses and one Land.
    stmt = stmt.where(DispatchOrder.edition_id == edition_id)
    if statuses:
        stmt = stmt.where(DispatchOrder.status.in_(list(statuses)))
    if land_code:
        stmt = stmt.where(DispatchOrder.land_code == land_code)
    if scope.role in ("kreis", "land"):
        stmt = stmt.where(DispatchOrder.contact_id.in_(apply_scope(select(Contact.id), scope)))
    return stmt


def count_orders(session: Session, scope: Scope, edition_id: int, statuses=None, land_code: str | None = None) -> int:
    """How many orders of the edition (scope's area, statuses, Land) there are."""
    require_persons(scope)
    stmt = _orders_where(select(func.count()).select_from(DispatchOrder), scope, edition_id, statuses, land_code)
    return int(session.scalar(stmt) or 0)


def orders_frame(
    session: Session,
    scope: Scope,
    edition_id: int,
    statuses=None,
    limit: int = 2000,
    land_code: str | None = None,
    newest_first: bool = False,
) -> pd.DataFrame:
    """Orders of an edition whose person the scope sees (by PLZ, or newest first), for lists and documents."""
    require_persons(scope)
    stmt = (
        select(
            DispatchOrder.id,
            DispatchOrder.status,
            DispatchOrder.ship_name,
            DispatchOrder.ship_street,
            DispatchOrder.ship_plz,
            DispatchOrder.ship_city,
            DispatchOrder.copies,
            DispatchOrder.free_shipping,
            DispatchOrder.override_reason,
            DispatchOrder.tracking_number,
            DispatchOrder.requested_at,
            Kreisverband.name.label("kv"),
            Land.name.label("land"),
        )
        .join(Kreisverband, Kreisverband.id == DispatchOrder.kv_id)
        .join(Land, Land.code == DispatchOrder.land_code)
    )
    stmt = _orders_where(stmt, scope, edition_id, statuses, land_code)
    order = (
        (DispatchOrder.requested_at.desc(), DispatchOrder.id.desc())
        if newest_first
        else (DispatchOrder.ship_plz, DispatchOrder.id)
    )
    stmt = stmt.order_by(*order).limit(limit)
    return pd.DataFrame(
        session.execute(stmt).all(),
        columns=[
            "id",
            "status",
            "name",
            "street",
            "plz",
            "city",
            "copies",
            "free_shipping",
            "override_reason",
            "tracking_number",
            "requested_at",
            "kv",
            "land",
        ],
    )


def edition_figures(session: Session, scope: Scope, edition_id: int) -> dict:
    """Counts and copies of an edition by status, Land and KV (scope's area)."""

    def grouped(*keys):
        stmt = apply_area(
            select(*keys, func.count(), func.sum(DispatchOrder.copies))
            .where(DispatchOrder.edition_id == edition_id)
            .group_by(*keys),
            scope,
            DispatchOrder.kv_id,
            DispatchOrder.land_code,
        )
        return session.execute(stmt).all()

    by_status = {s: (n, int(c or 0)) for s, n, c in grouped(DispatchOrder.status)}
    land_names = area_names.land_names(session)
    kv_names = area_names.kv_names(session)
    by_land = pd.DataFrame(
        [
            (land_names.get(code, code), st, n, int(c or 0))
            for code, st, n, c in grouped(DispatchOrder.land_code, DispatchOrder.status)
        ],
        columns=["Land", "status", "Bestellungen", "Exemplare"],
    )
    by_kv = pd.DataFrame(
        [
            (kv_names.get(kv, str(kv)), st, n, int(c or 0))
            for kv, st, n, c in grouped(DispatchOrder.kv_id, DispatchOrder.status)
        ],
        columns=["Kreisverband", "status", "Bestellungen", "Exemplare"],
    )
    return {"by_status": by_status, "by_land": by_land, "by_kv": by_kv}


def list_editions(session: Session) -> list[NewspaperEdition]:
    """All editions, newest first."""
    return list(
        session.scalars(
            select(NewspaperEdition).order_by(NewspaperEdition.edition_date.desc(), NewspaperEdition.id.desc())
        )
    )


def edition_titles_on(session: Session, edition_date) -> list[tuple[int, str]]:
    """(id, title) of the editions that appear on a date (to refuse the same edition twice)."""
    stmt = select(NewspaperEdition.id, NewspaperEdition.title).where(NewspaperEdition.edition_date == edition_date)
    return [(i, t) for i, t in session.execute(stmt).all()]


def move_all_in_status(session: Session, edition_id: int, old_status: str, values: dict) -> int:
    """Set values on every order of the edition in old_status, in one UPDATE; returns how many.

    One statement with the status in its WHERE instead of a list of ids: no parameter limit
    (psycopg allows 65,535 per statement) and atomic against a colleague acting at the same moment.
    """
    result = session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.edition_id == edition_id, DispatchOrder.status == old_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def regions(session: Session, scope: Scope) -> tuple[list[tuple[str, str]], list[tuple[int, str, str]]]:
    """Länder (code, name) and KVs (id, name, land_code) within the scope's area, for region filters."""
    lands = select(Land.code, Land.name).order_by(Land.name)
    kvs = select(Kreisverband.id, Kreisverband.name, Kreisverband.land_code).order_by(Kreisverband.name)
    if scope.role == "land":
        lands = lands.where(Land.code == scope.land_code)
        kvs = kvs.where(Kreisverband.land_code == scope.land_code)
    elif scope.role == "kreis":
        kvs = kvs.where(Kreisverband.id == scope.kv_id)
        lands = lands.where(
            Land.code == select(Kreisverband.land_code).where(Kreisverband.id == scope.kv_id).scalar_subquery()
        )
    return [tuple(r) for r in session.execute(lands)], [tuple(r) for r in session.execute(kvs)]


def copies_by_kreis(session: Session, scope: Scope, edition_id: int) -> list[tuple[str, int, int]]:
    """(Kreis AGS, orders, copies) of the edition's live orders by shipping PLZ, in the scope's area."""
    stmt = (
        select(Plz.kreis_ags, func.count(), func.coalesce(func.sum(DispatchOrder.copies), 0))
        .join(Plz, Plz.plz == DispatchOrder.ship_plz)
        .where(DispatchOrder.edition_id == edition_id, DispatchOrder.status.not_in(RELEASED))
        .group_by(Plz.kreis_ags)
    )
    stmt = apply_area(stmt, scope, DispatchOrder.kv_id, DispatchOrder.land_code)
    return [(ags, int(n), int(c)) for ags, n, c in session.execute(stmt)]


def eligible_frame(session: Session, scope: Scope, edition_id: int, flt: BatchFilter, limit: int) -> pd.DataFrame:
    """The people a free order could go to (batch rules), by name: id, Name, Straße, PLZ, Ort, km."""
    stmt = (
        batch_select(
            scope,
            edition_id,
            flt,
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            Contact.street,
            Contact.plz,
            Contact.city,
            Plz.nearest_office_km,
        )
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
        .limit(limit)
    )
    rows = [
        (i, f"{first} {last}".strip(), street, plz, city, km)
        for i, first, last, street, plz, city, km in session.execute(stmt)
    ]
    return pd.DataFrame(rows, columns=["id", "Name", "Straße", "PLZ", "Ort", "km zur Geschäftsstelle"])


def batch_by_land(session: Session, scope: Scope, edition_id: int, flt: BatchFilter) -> pd.DataFrame:
    """How many people of the batch live in each Land (Land name, Personen), largest first."""
    # By the Land of the PLZ's Kreis (a contact's Land is its PLZ's): grouped by contact.land_code,
    # SQLite walked all contacts in Land order through a ladder index to save a sort (4.7 s at 1M).
    stmt = (
        batch_select(scope, edition_id, flt, Kreis.land_code, func.count())
        .join(Kreis, Kreis.ags == Plz.kreis_ags)
        .group_by(Kreis.land_code)
    )
    names = area_names.land_names(session)
    rows = [(names.get(code, code), int(n)) for code, n in session.execute(stmt)]
    frame = pd.DataFrame(rows, columns=["Land", "Personen"])
    return frame.sort_values(["Personen", "Land"], ascending=[False, True], ignore_index=True)

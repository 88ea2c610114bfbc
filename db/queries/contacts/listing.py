"""The list of Linksaktive: a scoped, filtered query, keyset pages, its count and set-based topic changes.

Every query here goes through db.scope.apply_scope (DESIGN §3.1). Pages are read by keyset (the sort
key values and id of a page's edge row), never by OFFSET: a page deep in a million rows costs the
same as the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Select,
    String,
    and_,
    delete,
    distinct,
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
from sqlalchemy.orm import Session, aliased

from db.models import ConsentActive, Contact, ContactShare, ContactTopic, Plz
from db.queries.common.plans import UNINDEXED_CONTACT, unindexed
from db.queries.common.staging import staged
from db.queries.contacts.consent import consent_active_exists
from db.scope import Scope, apply_scope, require_persons
from db.types import UTCDateTime
from domain.formatting import BERLIN

SORTS = ("name", "plz", "created")
TOPIC_MODES = ("any", "all")


@dataclass(frozen=True)
class ListFilter:
    """What the list shows: every field left empty means "alle"; the fields combine with AND."""

    statuses: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    topic_mode: str = "any"  # "any": one of the topics, "all": every one of them
    sources: tuple[str, ...] = ()
    consent: tuple[str, str | None] | None = None  # (purpose, channel): an active consent for it
    created_from: date | None = None  # Europe/Berlin calendar days, both inclusive
    created_to: date | None = None
    kreis_ags: str | None = None
    kv_id: int | None = None
    no_office_km: float | None = None  # only places whose nearest office is farther than this (or none)
    import_batch_id: int | None = None

    def codes(self) -> dict:
        """The filter as codes and ids only (audit details): the fields that are set."""
        out: dict = {}
        if self.statuses:
            out["statuses"] = list(self.statuses)
        if self.topics:
            out["topics"] = list(self.topics)
            out["topic_mode"] = self.topic_mode
        if self.sources:
            out["sources"] = list(self.sources)
        if self.consent:
            out["consent"] = f"{self.consent[0]}:{self.consent[1] or '-'}"
        if self.created_from:
            out["created_from"] = self.created_from.isoformat()
        if self.created_to:
            out["created_to"] = self.created_to.isoformat()
        for name in ("kreis_ags", "kv_id", "no_office_km", "import_batch_id"):
            if (value := getattr(self, name)) is not None:
                out[name] = value
        return out


def berlin_day_start(day: date) -> datetime:
    """The instant a Europe/Berlin calendar day begins (created_at is stored in UTC)."""
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def _channel(table, channel: str | None):
    return table.channel.is_(None) if channel is None else table.channel == channel


def _has_topic(contact_id, *topics):
    cond = ContactTopic.topic == topics[0] if len(topics) == 1 else ContactTopic.topic.in_(topics)
    return exists(select(ContactTopic.contact_id).where(ContactTopic.contact_id == contact_id, cond))


CONTACT_FIELDS = (
    "statuses",
    "sources",
    "created_from",
    "created_to",
    "kreis_ags",
    "kv_id",
    "no_office_km",
    "import_batch_id",
)


def on_contact(flt: ListFilter) -> bool:
    """Whether the filter has a term on the contact row itself (not only topics and consent)."""
    return any(getattr(flt, name) not in (None, ()) for name in CONTACT_FIELDS)


def conditions(flt: ListFilter, walk: bool = False, sort: str | None = None, broad_hidden: bool = False) -> list:
    """The WHERE terms of a filter over Contact (without the scope).

    walk: the terms on the contact's columns are written so that no index matches them, and the
    sort index leads the plan (see page()); the dates stay indexed when the walk is along created_at
    (they bound it: the last page need not walk the rest of the table).
    broad_hidden: only the status and source terms are hidden (they hold a third or a sixth of all
    Germany, never narrower than a KV's area).
    """
    col = unindexed if walk else (lambda expr: expr)
    broad = unindexed if walk or broad_hidden else (lambda expr: expr)
    day_col = col if sort != "created" else (lambda expr: expr)
    out = []
    if flt.statuses:
        out.append(broad(Contact.status).in_(flt.statuses))
    if flt.sources:
        out.append(broad(Contact.source).in_(flt.sources))
    if flt.topics:
        if flt.topic_mode == "all":
            out.extend(_has_topic(Contact.id, t) for t in flt.topics)
        else:
            out.append(_has_topic(Contact.id, *flt.topics))
    if flt.consent:
        out.append(consent_active_exists(*flt.consent, Contact.id))
    if flt.created_from:
        out.append(day_col(Contact.created_at) >= literal(berlin_day_start(flt.created_from), UTCDateTime))
    if flt.created_to:
        out.append(
            day_col(Contact.created_at) < literal(berlin_day_start(flt.created_to + timedelta(days=1)), UTCDateTime)
        )
    if flt.kreis_ags:
        out.append(col(Contact.kreis_ags) == flt.kreis_ags)
    if flt.kv_id is not None:
        out.append(col(Contact.kv_id) == flt.kv_id)
    if flt.no_office_km is not None:
        far = select(Plz.plz).where(or_(Plz.nearest_office_km.is_(None), Plz.nearest_office_km > flt.no_office_km))
        out.append(col(Contact.plz).in_(far))
    if flt.import_batch_id is not None:
        out.append(col(Contact.import_batch_id) == flt.import_batch_id)
    return out


def filtered(
    scope: Scope,
    flt: ListFilter,
    *columns,
    walk: bool = False,
    narrow: bool = False,
    sort: str | None = None,
    dialect: str = "sqlite",
) -> Select:
    """SELECT columns FROM contact for the filter, inside the scope.

    narrow: the scope's own terms are hidden from the indexes, so that a narrow term of the filter
    (a Kreis, a KV, an import batch) leads; walk hides the filter's terms too (see choose_plan).
    """
    # SQLite's sampled statistics take a status of all Germany (220,000 active) for narrower than a KV's
    # own people or-ed with its shares (15,000): with the status leading, a KV's count read all Germany's.
    kv_leads = dialect == "sqlite" and scope.role == "kreis" and not narrow
    stmt = select(*columns).select_from(Contact).where(*conditions(flt, walk, sort, broad_hidden=kv_leads))
    if walk or narrow:
        return apply_scope(stmt, scope, contact=UNINDEXED_CONTACT)
    if dialect == "postgresql" and scope.role == "kreis":
        return _kv_or_shared(stmt, scope)
    return apply_scope(stmt, scope)


def _kv_or_shared(stmt: Select, scope: Scope) -> Select:
    """apply_scope's rule for a KV (its own people and those shared with it), with an indexable share term.

    Written as kv_id = :kv OR id IN (shares), PostgreSQL reads no index for the IN (subquery), so the
    OR hid the KV index too and every count read the whole table (200-400 ms for a KV of 15,000).
    As id = ANY(ARRAY(shares)) the subquery runs once and both arms are index scans (a BitmapOr).
    """
    require_persons(scope)
    shared = select(ContactShare.contact_id).where(ContactShare.kv_id == scope.kv_id, ContactShare.revoked_at.is_(None))
    return stmt.where(or_(Contact.kv_id == scope.kv_id, Contact.id == func.any(func.array(shared.scalar_subquery()))))


def leads_narrowly(dialect: str, flt: ListFilter) -> bool:
    """Whether SQLite should read through the filter's narrow term rather than the scope's Land or KV index.

    SQLite's sampled statistics rate a Land as narrow as an import batch: a Land's staff filtering
    by a Kreis read the Land's 70,000 rows instead of the Kreis's 15,000 (or a batch's few).
    """
    return dialect == "sqlite" and (
        flt.kreis_ags is not None or flt.kv_id is not None or flt.import_batch_id is not None
    )


def _grouped(expr):
    # (last_name || '') COLLATE NOCASE, not last_name || ('' COLLATE NOCASE): the same order, written plainly.
    return expr.self_group()


def sort_keys(dialect: str, sort: str, indexed: bool = True) -> list[tuple]:
    """(expression, descending) per key of a sort; id is the last key, so the order is total.

    Name keys are the expressions of the name indexes (PostgreSQL lower() COLLATE "C", SQLite NOCASE).
    indexed=False writes the first key so that no index matches it (same values, same order).
    """
    first = (lambda expr: expr) if indexed else unindexed
    if sort == "name":
        if dialect == "postgresql":
            return [
                (func.lower(first(Contact.last_name)).collate("C"), False),
                (func.lower(Contact.first_name).collate("C"), False),
                (Contact.id, False),
            ]
        return [
            (_grouped(first(Contact.last_name)).collate("NOCASE"), False),
            (Contact.first_name.collate("NOCASE"), False),
            (Contact.id, False),
        ]
    if sort == "plz":
        return [(first(Contact.plz), False), (Contact.id, False)]
    if sort == "created":
        return [(first(Contact.created_at), True), (Contact.id, True)]
    raise ValueError(f"unknown sort {sort!r}")


def after(keys: list[tuple], cursor: tuple, backward: bool = False):
    """Rows strictly after cursor in the keys' order (before it when backward).

    Written out as (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with a leading k1 >= v1, so the index
    of the first key bounds the range on both databases.
    """

    def _beyond(expr, desc, value):
        return expr < value if desc != backward else expr > value

    def _at_or_beyond(expr, desc, value):
        return expr <= value if desc != backward else expr >= value

    values = [_bind(v) for v in cursor]
    terms = []
    for i, (expr, desc) in enumerate(keys):
        equal = [k == v for (k, _), v in zip(keys[:i], values[:i])]
        terms.append(and_(*equal, _beyond(expr, desc, values[i])))
    first_expr, first_desc = keys[0]
    return and_(_at_or_beyond(first_expr, first_desc, values[0]), or_(*terms))


def _bind(value):
    # created_at compares as UTCDateTime (naive UTC on both databases), name keys as text.
    if isinstance(value, datetime):
        return literal(value, UTCDateTime)
    if isinstance(value, str):
        return literal(value, String)
    return value


def order_by(keys: list[tuple], backward: bool = False) -> list:
    """ORDER BY terms for the keys (reversed when reading backward)."""
    return [expr.desc() if desc != backward else expr.asc() for expr, desc in keys]


ROW_COLUMNS = (
    Contact.id,
    Contact.last_name,
    Contact.first_name,
    Contact.plz,
    Contact.city,
    Contact.kv_id,
    Contact.status,
    Contact.created_at,
)
EXPORT_COLUMNS = (
    Contact.id,
    Contact.last_name,
    Contact.first_name,
    Contact.email,
    Contact.phone,
    Contact.street,
    Contact.plz,
    Contact.city,
    Contact.kreis_ags,
    Contact.kv_id,
    Contact.status,
    Contact.source,
    Contact.created_at,
)


def export_columns(dialect: str) -> tuple:
    """EXPORT_COLUMNS and the contact's topic codes joined by ',' (unordered; one probe per row in the database)."""
    join = func.string_agg if dialect == "postgresql" else func.group_concat
    topics = select(join(ContactTopic.topic, literal_column("','"))).where(ContactTopic.contact_id == Contact.id)
    return (*EXPORT_COLUMNS, topics.scalar_subquery().label("topic_codes"))


FILTER_FIRST_MAX = 2000
PLANS = ("walk", "filter_first", "planner")


def choose_plan(dialect: str, scope: Scope, flt: ListFilter, total: int) -> str:
    """How a page is read: "walk" the sort index, "filter_first" and sort the hits, or leave it to the "planner".

    Walking the sort index and checking each row finds a page after about 50 x (all / hits) rows:
    cheap while hits are not rare (up to ~25,000 rows for 2,000 hits in a million). Rarer hits are
    found through an index on the contact's own columns (a KV's scope, a Kreis, an import batch, a
    few days) and sorted instead. Rare hits of topics or consent alone in a Land or all Germany still
    walk on SQLite: no contact index finds them.
    SQLite is told which: its sampled statistics take a status for rare and sort 200,000 rows.
    PostgreSQL's statistics are sound, and its estimates suffer when a term is hidden from its indexes:
    it is only kept from walking the name index for rare hits it expects to be many (a Land's members
    with a topic: 200,000 rows read for 314 hits).
    """
    if dialect == "postgresql":
        return "filter_first" if total <= FILTER_FIRST_MAX else "planner"
    narrow = on_contact(flt) or scope.role == "kreis"
    return "filter_first" if total <= FILTER_FIRST_MAX and narrow else "walk"


def page(
    session: Session,
    scope: Scope,
    flt: ListFilter,
    sort: str,
    cursor: tuple | None = None,
    backward: bool = False,
    limit: int = 51,
    columns=ROW_COLUMNS,
    plan: str = "planner",
) -> tuple[list[tuple], list[tuple]]:
    """Up to limit rows after (or before) cursor in sort order, and the cursor of each row.

    Rows come back in sort order also when read backward. A cursor is the row's sort key values and id.
    plan: see choose_plan; every plan gives the same rows.
    """
    if plan not in PLANS:
        raise ValueError(f"unknown plan {plan!r}")
    keys = sort_keys(session.get_bind().dialect.name, sort, indexed=plan != "filter_first")
    labels = [f"k{i}" for i in range(len(keys) - 1)]
    dialect = session.get_bind().dialect.name
    stmt = filtered(
        scope,
        flt,
        *columns,
        *(expr.label(lbl) for (expr, _), lbl in zip(keys, labels)),
        walk=plan == "walk",
        narrow=leads_narrowly(dialect, flt),
        sort=sort,
        dialect=dialect,
    )
    if cursor is not None:
        stmt = stmt.where(after(keys, cursor, backward))
    rows = session.execute(stmt.order_by(*order_by(keys, backward)).limit(limit)).all()
    if backward:
        rows.reverse()
    n = len(columns)
    data = [tuple(r[:n]) for r in rows]
    cursors = [(*r[n:], r[0]) for r in rows]  # id is the first column
    return data, cursors


def prepare(session: Session) -> None:
    """Ready the transaction for the list's queries: on PostgreSQL without JIT compilation.

    Counting a few hundred thousand rows crosses PostgreSQL's JIT cost thresholds, and compiling
    then takes 200-500 ms, more than the query itself. SET LOCAL ends with the transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def count(session: Session, scope: Scope, flt: ListFilter) -> int:
    """How many contacts in the scope match the filter."""
    national, dialect = scope.level == "national", session.get_bind().dialect.name
    if national and not on_contact(flt) and (flt.topics or flt.consent):
        stmt = _count_from_children(flt)
    else:
        stmt = filtered(scope, flt, func.count(), narrow=leads_narrowly(dialect, flt), dialect=dialect)
    return int(session.scalar(stmt) or 0)


def _count_from_children(flt: ListFilter) -> Select:
    """Count over all Germany filtered by topics and consent only, from their tables alone.

    Every topic row belongs to a contact (foreign key) and consent_active only holds keys of the ledger,
    so without a term on the contact itself the contact rows need not be read: one index range instead
    of a probe per person. Only for national scopes (team, admin), where the scope restricts nothing.
    """
    if flt.topics:
        t = aliased(ContactTopic)
        single = flt.topic_mode == "all" or len(flt.topics) == 1
        # (contact_id, topic) is the primary key: one row per person and topic.
        counted = func.count() if single else func.count(distinct(t.contact_id))
        terms = [t.topic == flt.topics[0]] if single else [t.topic.in_(flt.topics)]
        if single:
            terms += [_has_topic(t.contact_id, other) for other in flt.topics[1:]]
        if flt.consent:
            terms.append(consent_active_exists(*flt.consent, t.contact_id))
        return select(counted).select_from(t).where(*terms)
    purpose, channel = flt.consent
    return (
        select(func.count())
        .select_from(ConsentActive)
        .where(ConsentActive.purpose == purpose, ConsentActive.channel == (channel or ""))
    )


def _changing(scope: Scope, flt: ListFilter, topic: str, add: bool) -> Select:
    # The contacts of the list whose topics the change really alters.
    has = exists(
        select(ContactTopic.contact_id).where(ContactTopic.contact_id == Contact.id, ContactTopic.topic == topic)
    )
    return filtered(scope, flt, Contact.id).where(~has if add else has)


def change_topic(session: Session, scope: Scope, flt: ListFilter, topic: str, add: bool, at: datetime) -> int:
    """Add (or remove) topic on every contact of the list that lacks (or has) it; updated_at set; returns how many.

    Set-based: the ids are staged once, then one INSERT ... SELECT (or DELETE) and one UPDATE.
    """
    with staged(session, _changing(scope, flt, topic, add), "list_topic") as ids:
        changed = int(session.scalar(select(func.count()).select_from(ids)) or 0)
        if changed:
            if add:
                session.execute(
                    insert(ContactTopic).from_select(["contact_id", "topic"], select(ids.c.id, literal(topic, String)))
                )
            else:
                session.execute(
                    delete(ContactTopic)
                    .where(ContactTopic.topic == topic, ContactTopic.contact_id.in_(select(ids.c.id)))
                    .execution_options(synchronize_session=False)
                )
            session.execute(
                update(Contact)
                .where(Contact.id.in_(select(ids.c.id)))
                .values(updated_at=literal(at, UTCDateTime))
                .execution_options(synchronize_session=False)
            )
    return changed

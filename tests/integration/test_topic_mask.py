"""contact.topic_mask agrees with the topic rows after every kind of topic write, on SQLite and PostgreSQL,
and the Entwicklung page's split by topic read from it equals a count over the topic rows."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import delete, select, text, update

from db import rollups, topic_mask
from db.models import Contact, ContactTopic
from db.queries import ladder as q
from db.queries.contacts import listing as lq
from domain.enums import TOPICS
from services.contacts.edit import set_topics
from services.contacts.listing import ListFilter, bulk_topic
from services.privacy.erasure import erase_contact
from services.privacy.tombstones import RETENTION
from tests.support.scopes import ADMIN, user_scope
from tests.support.writes import import_some, merge_some, random_ids, random_writes


def _agree(session) -> None:
    session.flush()
    conn = session.connection()
    assert topic_mask.differences(conn) == set()
    assert rollups.differences(conn) == {}


def test_the_mask_agrees_with_the_topic_rows_after_every_kind_of_write(session):
    rng = random.Random(11)
    _agree(session)
    for _ in range(2):
        random_writes(session, rng)
        _agree(session)
        import_some(session)
        _agree(session)
        merge_some(session, rng)
        _agree(session)
        a, b, c, d = random_ids(session, 4, rng)
        set_topics(session, ADMIN, a, rng.sample(list(TOPICS), 3))
        session.commit()
        _agree(session)
        # Raw SQL: a topic row renamed, one moved to another person, an unknown topic that has no bit.
        row = session.scalars(select(ContactTopic).where(ContactTopic.contact_id == b)).first()
        if row is not None:
            free = [
                t
                for t in TOPICS
                if t not in set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == b)))
            ]
            session.execute(
                update(ContactTopic)
                .where(ContactTopic.contact_id == b, ContactTopic.topic == row.topic)
                .values(topic=free[0])
            )
        taken = set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == d)))
        moving = session.scalars(
            select(ContactTopic.topic).where(ContactTopic.contact_id == c, ContactTopic.topic.not_in(taken))
        ).first()
        if moving is not None:
            session.execute(
                update(ContactTopic)
                .where(ContactTopic.contact_id == c, ContactTopic.topic == moving)
                .values(contact_id=d)
            )
        session.add(ContactTopic(contact_id=a, topic="sonstiges"))
        session.commit()
        _agree(session)
        (victim,) = random_ids(session, 1, rng)
        erase_contact(session, victim, RETENTION, journal=False)
        session.commit()
        _agree(session)


def test_a_raw_delete_of_several_people_counts_their_topics_out_once(session):
    """The cascade deletes the topic rows after the people: no error, rollups and masks still right."""
    kv = user_scope(session, "kv-leipzig")
    gone = random_ids(session, 5, random.Random(2))
    topics_before = session.execute(text("SELECT count(*) FROM contact_topic")).scalar()
    theirs = session.scalar(select(text("count(*)")).select_from(ContactTopic).where(ContactTopic.contact_id.in_(gone)))
    session.execute(delete(Contact).where(Contact.id.in_(gone)).execution_options(synchronize_session=False))
    session.commit()
    assert session.execute(text("SELECT count(*) FROM contact_topic")).scalar() == topics_before - theirs
    _agree(session)
    # The Liste's bulk topic change, as kv-leipzig does it, after the delete.
    flt = ListFilter(statuses=("active",))
    n = lq.count(session, kv, flt)
    bulk_topic(session, kv, flt, "frieden", True, n)
    _agree(session)
    bulk_topic(session, kv, flt, "frieden", False, n)
    _agree(session)


def test_rebuild_repairs_masks_that_drifted(session):
    a, b = random_ids(session, 2, random.Random(4))
    session.execute(text("UPDATE contact SET topic_mask = 12345 WHERE id = :a").bindparams(a=a))
    session.execute(text("UPDATE contact SET topic_mask = 0 WHERE id = :b").bindparams(b=b))
    conn = session.connection()
    assert topic_mask.differences(conn) >= {a}
    topic_mask.rebuild(conn)
    assert topic_mask.differences(conn) == set()


def _counted(session, scope, region: q.Region) -> Counter:
    """(topic, days to active, days active to member) -> people, counted in Python from the topic rows."""
    stmt = q._region(
        select(ContactTopic.topic, Contact.contact_since, Contact.active_since, Contact.member_since)
        .join(Contact, Contact.id == ContactTopic.contact_id)
        .where(Contact.contact_since >= region.start, Contact.contact_since <= region.end),
        scope,
        region,
    )
    out: Counter = Counter()
    for topic, since, active, member in session.execute(stmt):
        if topic not in TOPICS:
            continue
        to_active = (active - since).days if active else None
        to_member = (member - active).days if member and active else None
        out[(topic, to_active, to_member)] += 1
    return out


def _read(session, scope, region: q.Region) -> Counter:
    df = q.topic_days(session, scope, region)
    out: Counter = Counter()
    for topic, a, m, n in df.itertuples(index=False):
        key = (topic, None if a != a or a is None else int(a), None if m != m or m is None else int(m))
        out[key] += int(n)
    return out


def test_the_split_by_topic_equals_a_count_over_the_topic_rows(session):
    random_writes(session, random.Random(9))
    start, end = date.today() - timedelta(days=400), date.today()
    team, kv = ADMIN, user_scope(session, "kv-leipzig")
    for scope, region in (
        (team, q.Region(start, end)),
        (team, q.Region(start, end, land_code="14")),
        (kv, q.Region(start, end)),
        (team, q.Region(date.today() - timedelta(days=30), end)),
    ):
        expected = _counted(session, scope, region)
        assert expected, "the seed has people with topics in the period"
        assert _read(session, scope, region) == expected

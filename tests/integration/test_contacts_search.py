"""Scoped, paged contact search and the contact card on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import AuditEvent, Consent, Contact
from services.contacts.card import PAGE_SIZE, open_contact, search_contacts
from tests.support.scopes import ADMIN, user_scope


def _all_pages(session, scope, query):
    out, page = [], 0
    while True:
        rows, has_next = search_contacts(session, scope, query, page)
        assert len(rows) <= PAGE_SIZE
        out += rows
        if not has_next:
            return out
        assert len(rows) == PAGE_SIZE
        page += 1


def test_paging_covers_scope_in_order_without_duplicates(session):
    scope = user_scope(session, "kv-leipzig")
    rows = _all_pages(session, scope, "")
    expected = session.scalar(select(func.count()).select_from(Contact).where(Contact.kv_id == scope.kv_id))
    assert len(rows) == expected > PAGE_SIZE
    assert len({r.id for r in rows}) == len(rows)
    keys = [(r.last_name.lower(), r.id) for r in rows]
    ascii_keys = [k for k in keys if k[0].isascii()]
    assert ascii_keys == sorted(ascii_keys)


def test_last_name_prefix_case_insensitive(session):
    sample = session.scalar(select(Contact).where(Contact.last_name.like("S%")).order_by(Contact.id))
    prefix = sample.last_name[:3]
    rows = _all_pages(session, ADMIN, prefix.lower())
    assert sample.id in {r.id for r in rows}
    assert all(
        r.last_name.lower().startswith(prefix.lower()) or r.first_name.lower().startswith(prefix.lower()) for r in rows
    )
    assert {r.id for r in rows} == {r.id for r in _all_pages(session, ADMIN, prefix.upper())}


def test_first_and_full_name(session):
    c = session.scalar(select(Contact).where(Contact.first_name.like("A%")).order_by(Contact.id))
    assert c.id in {r.id for r in _all_pages(session, ADMIN, c.first_name)}
    both = _all_pages(session, ADMIN, f"{c.first_name} {c.last_name}")
    assert c.id in {r.id for r in both}
    assert all(
        r.first_name == c.first_name
        and r.last_name.lower().startswith(c.last_name.lower())
        or r.last_name.lower().startswith(c.first_name.lower())
        for r in both
    )
    assert c.id in {r.id for r in _all_pages(session, ADMIN, f"{c.last_name}, {c.first_name}")}


def test_email_and_plz_prefix(session):
    c = session.scalar(select(Contact).where(Contact.email != "").order_by(Contact.id))
    rows = _all_pages(session, ADMIN, c.email[: c.email.index("@") + 1].upper())
    assert c.id in {r.id for r in rows}
    assert all(r.email.lower().startswith(c.email[: c.email.index("@") + 1].lower()) for r in rows)
    rows = _all_pages(session, ADMIN, c.plz[:3])
    assert c.id in {r.id for r in rows}
    assert all(r.plz.startswith(c.plz[:3]) for r in rows)


def test_wildcards_are_literal(session):
    assert search_contacts(session, ADMIN, "%", 0)[0] == []
    assert search_contacts(session, ADMIN, "_@", 0)[0] == []


def test_search_in_scope_only(session):
    scope = user_scope(session, "kv-goerlitz")
    rows = _all_pages(session, scope, "a")
    kv_ids = set(session.scalars(select(Contact.kv_id).where(Contact.id.in_([r.id for r in rows]))))
    assert kv_ids <= {scope.kv_id}


def test_open_contact_card_and_audit(session):
    scope = user_scope(session, "kv-leipzig")
    cid = search_contacts(session, scope, "", 0)[0][0].id
    before = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened"))
    card = open_contact(session, scope, cid)
    assert card.id == cid and card.kreisverband == "KV Leipzig"
    assert [a.occurred_at for a in card.timeline] == sorted((a.occurred_at for a in card.timeline), reverse=True)
    records = session.scalars(select(Consent).where(Consent.contact_id == cid)).all()
    assert {(c.purpose, c.channel) for c in card.consents} == {(r.purpose, r.channel) for r in records}
    ev = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contact_opened").order_by(AuditEvent.id.desc())
    ).first()
    assert (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened"))
        == before + 1
    )
    assert (ev.object_type, ev.object_id, ev.username) == ("contact", str(cid), "kv-leipzig")


def test_searches_stay_in_scope_whichever_term_leads_the_plan(session):
    # A selective text ("Sch…", three letters) leads the query with the scope written unindexed; a short
    # one ("S") lets the area lead. Both must return exactly the matching people of the area.
    for username in ("lv-sachsen", "kv-leipzig"):
        scope = user_scope(session, username)
        area = Contact.land_code == scope.land_code if scope.role == "land" else Contact.kv_id == scope.kv_id
        for text in ("S", "Sch", "sch"):
            expected = set(
                session.scalars(
                    select(Contact.id).where(
                        area,
                        func.lower(Contact.last_name).startswith(text.lower())
                        | func.lower(Contact.first_name).startswith(text.lower()),
                    )
                )
            )
            got = {r.id for r in _all_pages(session, scope, text)}
            assert got == expected and expected, (username, text)

"""Zeitungsversand on SQLite and PostgreSQL: single orders, batches, stock, workflow, timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from db.models import Activity, AuditEvent, Consent, Contact, DispatchOrder, Plz, User
from db.queries.newspaper import BatchFilter
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from services.core.scope import Scope, scope_for
from services.newspaper import editions, orders, workflow
from services.newspaper.documents import build_document

REACH = 15.0
TEAM = Scope(role="team", user_id=None, username="team")


def _user_scope(session, username):
    return scope_for(session.scalar(select(User).where(User.username == username)))


def _edition(session, stock=100_000, bundle=10):
    return editions.create_edition(session, TEAM, "Zeitung Test", "Wahl", date(2025, 1, 1), stock, bundle)


def _far_contact_with_consent(session, scope=None):
    """A contact without office in reach and with an active newspaper/post consent."""
    flt = BatchFilter(reach_km=REACH)
    from db.queries.newspaper import batch_select

    stmt = batch_select(scope or TEAM, -1, flt, Contact.id).order_by(Contact.id).limit(1)
    return session.scalar(stmt)


def test_single_order_far_contact(session):
    ed = _edition(session)
    cid = _far_contact_with_consent(session)
    assert cid is not None
    oid = orders.create_single_order(session, TEAM, ed, cid, 2, REACH)
    order = session.get(DispatchOrder, oid)
    assert order.copies == 20 and order.status == "requested" and order.free_shipping
    assert (
        session.scalar(
            select(func.count())
            .select_from(Activity)
            .where(Activity.ref_type == "dispatch_order", Activity.ref_id == oid, Activity.kind == "newspaper_order")
        )
        == 1
    )
    with pytest.raises(ValidationError, match="schon eine Bestellung"):
        orders.create_single_order(session, TEAM, ed, cid, 1, REACH)
    assert session.scalar(select(func.count()).select_from(DispatchOrder).where(DispatchOrder.edition_id == ed)) == 1


def test_single_order_refuses_without_consent(session):
    ed = _edition(session)
    cid = _far_contact_with_consent(session)
    session.add(
        Consent(
            contact_id=cid,
            purpose="newspaper",
            channel="post",
            granted_at=datetime(2030, 1, 1, tzinfo=UTC),
            withdrawn_at=datetime(2030, 1, 2, tzinfo=UTC),
        )
    )
    session.flush()
    with pytest.raises(ValidationError, match="Einwilligung"):
        orders.create_single_order(session, TEAM, ed, cid, 1, REACH)


def test_single_order_office_in_reach_needs_team_override(session):
    ed = _edition(session)
    near = session.scalar(
        select(Contact.id)
        .join(Plz, Plz.plz == Contact.plz)
        .where(Plz.nearest_office_km <= 5)
        .order_by(Contact.id)
        .limit(1)
    )
    session.add(
        Consent(contact_id=near, purpose="newspaper", channel="post", granted_at=datetime(2030, 1, 1, tzinfo=UTC))
    )
    session.flush()
    with pytest.raises(ValidationError, match="abgeholt"):
        orders.create_single_order(session, TEAM, ed, near, 1, REACH)
    with pytest.raises(ValidationError, match="Begründung"):
        orders.create_single_order(session, TEAM, ed, near, 1, REACH, override_reason="kurz")
    oid = orders.create_single_order(
        session, TEAM, ed, near, 1, REACH, override_reason="Gehbehindert, kann nicht abholen"
    )
    assert session.get(DispatchOrder, oid).override_reason.startswith("Gehbehindert")


def test_kreis_cannot_order_outside_scope(session):
    ed = _edition(session)
    scope = _user_scope(session, "kv-goerlitz")
    other = session.scalar(select(Contact.id).where(Contact.kv_id != scope.kv_id).limit(1))
    with pytest.raises(NotFoundError):
        orders.create_single_order(session, scope, ed, other, 1, REACH)
    with pytest.raises(PermissionDenied):
        orders.preview_batch(session, scope, ed, BatchFilter(reach_km=REACH))


def test_stock_is_never_overdrawn(session):
    ed = _edition(session, stock=15, bundle=10)
    flt = BatchFilter(reach_km=REACH)
    pv = orders.preview_batch(session, TEAM, ed, flt)
    assert pv.people > 2 and not pv.fits
    with pytest.raises(ConflictError, match="Nicht genug Bestand"):
        orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    cid = _far_contact_with_consent(session)
    orders.create_single_order(session, TEAM, ed, cid, 1, REACH)
    assert orders.available_copies(session, ed) == 5
    second = session.scalar(orders.q.batch_select(TEAM, ed, flt, Contact.id).order_by(Contact.id).limit(1))
    with pytest.raises(ConflictError, match="Nicht genug Bestand"):
        orders.create_single_order(session, TEAM, ed, second, 1, REACH)
    with pytest.raises(ConflictError):
        editions.set_stock(session, TEAM, ed, 5)
    editions.set_stock(session, TEAM, ed, 20)
    orders.create_single_order(session, TEAM, ed, second, 1, REACH)
    assert orders.available_copies(session, ed) == 0


def test_batch_preview_confirm_and_rerun(session):
    ed = _edition(session)
    flt = BatchFilter(reach_km=REACH, land_code="14")
    pv = orders.preview_batch(session, TEAM, ed, flt)
    assert pv.people > 0 and pv.copies == pv.people * 10 and len(pv.sample) <= 10
    with pytest.raises(ConflictError, match="geändert"):
        orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people + 1, pv.copies + 10)
    made = orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    assert made == pv.people
    assert (
        session.scalar(
            select(func.count())
            .select_from(Activity)
            .where(
                Activity.kind == "newspaper_order",
                Activity.ref_id.in_(select(DispatchOrder.id).where(DispatchOrder.edition_id == ed)),
            )
        )
        == made
    )
    again = orders.preview_batch(session, TEAM, ed, flt)
    assert again.people == 0
    with pytest.raises(ValidationError):
        orders.confirm_batch(session, TEAM, ed, flt, 1, 0, 0)
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "newspaper_batch_create", AuditEvent.object_id == str(ed))
        )
        == 1
    )
    fig = editions.figures(session, TEAM, ed)
    assert fig.by_status["requested"][0] == made and fig.reserved == made * 10
    assert fig.by_land["Bestellungen"].sum() == made


def test_land_batch_is_limited_to_its_land(session):
    ed = _edition(session)
    scope = _user_scope(session, "lv-sachsen")
    made = 0
    pv = orders.preview_batch(session, scope, ed, BatchFilter(reach_km=REACH))
    if pv.people:
        made = orders.confirm_batch(session, scope, ed, BatchFilter(reach_km=REACH), 1, pv.people, pv.copies)
    lands = set(session.scalars(select(DispatchOrder.land_code).where(DispatchOrder.edition_id == ed)))
    assert made == pv.people and lands <= {"14"}


def test_workflow_and_documents(session):
    ed = _edition(session)
    flt = BatchFilter(reach_km=REACH, land_code="14")
    pv = orders.preview_batch(session, TEAM, ed, flt)
    orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    ids = list(session.scalars(select(DispatchOrder.id).where(DispatchOrder.edition_id == ed)))
    with pytest.raises(ValidationError):
        workflow.transition_orders(session, TEAM, ids, "shipped")
    assert workflow.transition_orders(session, TEAM, ids, "approved") == workflow.StepDone(len(ids), 0)
    data, name, mime = build_document(session, TEAM, ed, "labels")
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    csv, _, _ = build_document(session, TEAM, ed, "postal")
    assert csv.startswith(b"\xef\xbb\xbfNAME;STRASSE;HAUSNUMMER")
    assert csv.count(b"\n") == len(ids) + 1
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(["newspaper_export_labels", "newspaper_export_postal"]))
        )
        >= 2
    )
    workflow.transition_orders(session, TEAM, ids[:1], "packed")
    workflow.transition_orders(session, TEAM, ids[:1], "shipped", tracking_number="JJD0001")
    assert session.get(DispatchOrder, ids[0]).tracking_number == "JJD0001"
    workflow.transition_orders(session, TEAM, ids[1:2], "cancelled")
    assert orders.available_copies(session, ed) == 100_000 - (len(ids) - 1) * 10
    with pytest.raises(PermissionDenied):
        workflow.transition_orders(session, _user_scope(session, "kv-goerlitz"), ids[2:3], "approved")


def test_move_all_in_status_changes_exactly_what_the_button_said(session):
    ed = _edition(session)
    flt = BatchFilter(reach_km=REACH, land_code="14")
    pv = orders.preview_batch(session, TEAM, ed, flt)
    orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    n = pv.people
    assert n > 2

    def in_status(status):
        return session.scalar(
            select(func.count())
            .select_from(DispatchOrder)
            .where(DispatchOrder.edition_id == ed, DispatchOrder.status == status)
        )

    # A colleague's new order since the page counted: nothing changes, the page says why.
    with pytest.raises(ConflictError, match=f"jetzt {n} statt {n - 1}"):
        workflow.transition_all(session, TEAM, ed, "requested", "approved", n - 1)
    assert in_status("requested") == n and in_status("approved") == 0
    with pytest.raises(ValidationError, match="kann nicht"):
        workflow.transition_all(session, TEAM, ed, "requested", "shipped", n)
    with pytest.raises(PermissionDenied):
        workflow.transition_all(session, _user_scope(session, "lv-sachsen"), ed, "requested", "approved", n)

    assert workflow.transition_all(session, TEAM, ed, "requested", "approved", n) == workflow.StepDone(n, 0)
    assert in_status("approved") == n
    assert workflow.transition_all(session, TEAM, ed, "approved", "packed", n).moved == n
    assert workflow.transition_all(session, TEAM, ed, "packed", "shipped", n, tracking_number=" SAMMEL-1 ").moved == n
    shipped = session.scalars(select(DispatchOrder).where(DispatchOrder.edition_id == ed)).all()
    assert {o.tracking_number for o in shipped} == {"SAMMEL-1"} and all(o.shipped_at for o in shipped)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "newspaper_order_shipped").order_by(AuditEvent.id.desc())
    ).first()
    assert event.object_id == str(ed) and event.details["count"] == n


def test_documents_are_never_cut_but_split_by_land(session, monkeypatch):
    from services.newspaper import documents

    ed = _edition(session)
    for land in ("14", "12"):
        flt = BatchFilter(reach_km=REACH, land_code=land)
        pv = orders.preview_batch(session, TEAM, ed, flt)
        orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    per_land = dict(
        session.execute(
            select(DispatchOrder.land_code, func.count())
            .where(DispatchOrder.edition_id == ed)
            .group_by(DispatchOrder.land_code)
        ).all()
    )
    assert per_land["14"] > 1 and per_land["12"] > 1
    monkeypatch.setattr(documents, "MAX_DOCUMENT_ORDERS", max(per_land.values()))
    with pytest.raises(ValidationError, match="Wähle ein Bundesland"):
        build_document(session, TEAM, ed, "postal", ["requested"])
    for land, n in per_land.items():
        csv, name, _ = build_document(session, TEAM, ed, "postal", ["requested"], land_code=land)
        assert csv.count(b"\n") == n + 1 and name == f"zeitung-{ed}-{land}-post-upload.csv"


def test_order_lists_follow_the_person_not_the_old_kv(session):
    from services.newspaper.listing import order_table

    ed = _edition(session)
    goerlitz = _user_scope(session, "kv-goerlitz")
    cid = _far_contact_with_consent(session, goerlitz)
    oid = orders.create_single_order(session, goerlitz, ed, cid, 1, REACH)
    leipzig = _user_scope(session, "kv-leipzig")
    assert order_table(session, goerlitz, ed, None)["Nr."].tolist() == [oid]
    assert order_table(session, leipzig, ed, None).empty
    # The person moves to Leipzig: the order now shows there, and no longer in Görlitz.
    session.get(Contact, cid).kv_id = leipzig.kv_id
    session.flush()
    assert order_table(session, goerlitz, ed, None).empty
    assert order_table(session, leipzig, ed, None)["Nr."].tolist() == [oid]
    assert order_table(session, TEAM, ed, None)["Nr."].tolist() == [oid]
    with pytest.raises(PermissionDenied):
        order_table(session, _user_scope(session, "leitung"), ed, None)


def test_packing_list_pdf_is_audited(session):
    ed = _edition(session)
    flt = BatchFilter(reach_km=REACH, land_code="14")
    pv = orders.preview_batch(session, TEAM, ed, flt, bundles=2)
    orders.confirm_batch(session, TEAM, ed, flt, 2, pv.people, pv.copies)
    data, name, mime = build_document(session, TEAM, ed, "packing_pdf", ["requested"])
    assert data.startswith(b"%PDF") and name == f"zeitung-{ed}-packliste.pdf" and mime == "application/pdf"
    from tests.support.pdf import pdf_text

    text = pdf_text(data)
    assert f"Gesamt: {pv.people} Bestellungen" in text and "Sachsen · Kreisverband" in text
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "newspaper_export_packing_pdf"))
    assert event is not None and event.object_id == str(ed)

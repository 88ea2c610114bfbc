"""AppTest of the Zeitungsversand steps: forward by default, cancel only after a confirmation, undo for 10 minutes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from db.engine import make_engine
from db.models import AuditEvent, DispatchOrder, NewspaperBulkChange
from tests.support.apptest import all_text, edition_with_batch, new_edition, open_page


def _statuses(app_db, ed) -> dict[str, int]:
    eng = make_engine(app_db)
    with eng.connect() as conn:
        rows = conn.execute(
            select(DispatchOrder.status, func.count())
            .where(DispatchOrder.edition_id == ed)
            .group_by(DispatchOrder.status)
        ).all()
    eng.dispose()
    return dict(rows)


def _versand(ed):
    at = open_page("pages/zeitung_versand.py", "team")
    at.selectbox(key="np_ship_edition").set_value(ed).run()
    assert not at.exception, at.exception
    return at


def _button(at, start: str):
    hits = [b for b in at.button if b.label.startswith(start)]
    assert hits, [b.label for b in at.button]
    return hits[0]


def test_the_forward_step_is_preselected_never_cancelling(app_db):
    ed = edition_with_batch(app_db, "Vorwärts", date(2003, 1, 1), "14")
    at = _versand(ed)
    for source, forward in [("requested", "approved"), ("approved", "packed"), ("packed", "shipped")]:
        at.selectbox(key="np_ship_source").set_value(source).run()
        assert at.selectbox(key=f"np_ship_target_{source}").value == forward
    # The red main button is the forward step; nothing changed by looking.
    at.selectbox(key="np_ship_source").set_value("requested").run()
    go = at.button(key="np_ship_go")
    assert go.label.endswith("auf „freigegeben“ setzen") and go.proto.type == "primary"
    assert set(_statuses(app_db, ed)) == {"requested"}


def test_step_moves_the_page_on_and_can_be_undone(app_db):
    ed = edition_with_batch(app_db, "Rückgängig", date(2004, 1, 1), "14")
    n = _statuses(app_db, ed)["requested"]
    at = _versand(ed)
    at.selectbox(key="np_ship_source").set_value("requested").run()
    at.button(key="np_ship_go").click().run()
    assert not at.exception, at.exception
    assert _statuses(app_db, ed) == {"approved": n}
    # The page moved on: the orders are shown in their new status, the next step preselected.
    assert at.selectbox(key="np_ship_source").value == "approved"
    assert at.selectbox(key="np_ship_target_approved").value == "packed"
    assert f"Du hast eben {n} Bestellungen von „angefragt“ auf „freigegeben“ gesetzt" in all_text(at)
    at.button(key="np_ship_undo").click().run()
    assert not at.exception, at.exception
    assert f"Rückgängig gemacht: {n} Bestellungen stehen wieder auf „angefragt“." in all_text(at)
    assert _statuses(app_db, ed) == {"requested": n}
    assert at.selectbox(key="np_ship_source").value == "requested"
    assert not [b for b in at.button if b.key == "np_ship_undo"]  # undone once: no second offer
    eng = make_engine(app_db)
    with eng.connect() as conn:
        undos = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "newspaper_bulk_undo", AuditEvent.object_id == str(ed))
        )
    eng.dispose()
    assert undos == 1


def test_bulk_cancel_asks_with_the_count_first(app_db):
    ed = edition_with_batch(app_db, "Storno", date(2005, 1, 1), "14")
    n = _statuses(app_db, ed)["requested"]
    at = _versand(ed)
    at.selectbox(key="np_ship_source").set_value("requested").run()
    at.selectbox(key="np_ship_target_requested").set_value("cancelled").run()
    stop = at.button(key="np_ship_stop")
    assert stop.label == f"{n} Bestellungen stornieren …" and stop.proto.type != "primary"
    stop.click().run()
    assert f"Willst du wirklich **{n} Bestellungen** im Status „angefragt“ stornieren?" in all_text(at)
    assert _statuses(app_db, ed) == {"requested": n}  # asking changes nothing
    at.button(key="np_ship_confirm_no").click().run()
    assert "Willst du wirklich" not in all_text(at)
    assert _statuses(app_db, ed) == {"requested": n}
    at.button(key="np_ship_stop").click().run()
    yes = at.button(key="np_ship_confirm_yes")
    assert yes.label == f"Ja, {n} Bestellungen stornieren"
    yes.click().run()
    assert not at.exception, at.exception
    assert _statuses(app_db, ed) == {"cancelled": n}
    assert f"{n} Bestellungen sind jetzt „storniert“." in all_text(at)
    # After a cancellation the page stays on the status and starts at the forward step again.
    assert at.selectbox(key="np_ship_source").value == "requested"
    assert at.selectbox(key="np_ship_target_requested").value == "approved"
    at.button(key="np_ship_undo").click().run()
    assert _statuses(app_db, ed) == {"requested": n}


def test_undo_is_refused_after_ten_minutes(app_db):
    ed = edition_with_batch(app_db, "Zu spät", date(2006, 1, 1), "14")
    n = _statuses(app_db, ed)["requested"]
    at = _versand(ed)
    at.selectbox(key="np_ship_source").set_value("requested").run()
    at.button(key="np_ship_go").click().run()
    assert at.button(key="np_ship_undo")
    # Eleven minutes pass while the page stays open.
    eng = make_engine(app_db)
    with eng.begin() as conn:
        changes = conn.execute(
            select(NewspaperBulkChange.id, NewspaperBulkChange.created_at).where(NewspaperBulkChange.edition_id == ed)
        ).all()
        for change_id, created in changes:
            conn.execute(
                update(NewspaperBulkChange)
                .where(NewspaperBulkChange.id == change_id)
                .values(created_at=created - timedelta(minutes=11))
            )
    eng.dispose()
    at.button(key="np_ship_undo").click().run()
    assert "Rückgängig machen geht nur 10 Minuten lang" in all_text(at)
    assert _statuses(app_db, ed) == {"approved": n}
    at.run()
    assert not [b for b in at.button if b.key == "np_ship_undo"]  # no longer offered


def test_status_pipeline_shows_every_step_in_order_and_follows_a_step(app_db):
    ed = edition_with_batch(app_db, "Pipeline", date(2007, 1, 1), "14")
    n = _statuses(app_db, ed)["requested"]
    at = _versand(ed)
    assert "Stand der Ausgabe" in [s.value for s in at.subheader]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the bars

    def pipeline():
        return next(
            df.value for df in at.dataframe if list(df.value.columns) == ["Status", "Bestellungen", "Exemplare"]
        )

    steps = ["angefragt", "freigegeben", "gepackt", "versandt", "zugestellt", "storniert", "zurückgekommen"]
    table = pipeline()
    assert list(table["Status"]) == steps  # the flow in order, the stopped states last, empty steps too
    assert dict(zip(table["Status"], table["Bestellungen"])) == dict.fromkeys(steps, 0) | {"angefragt": n}
    at.selectbox(key="np_ship_source").set_value("requested").run()
    at.button(key="np_ship_go").click().run()
    assert not at.exception, at.exception
    table = pipeline()
    assert dict(zip(table["Status"], table["Bestellungen"])) == dict.fromkeys(steps, 0) | {"freigegeben": n}


def test_an_edition_without_orders_says_so_instead_of_an_empty_chart(app_db):
    ed = new_edition(app_db, "Ohne Bestellungen", date(2008, 1, 1))
    at = _versand(ed)
    assert "Stand der Ausgabe" in [s.value for s in at.subheader]
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")  # no bars of nothing
    assert "Für diese Ausgabe gibt es noch keine Bestellungen." in [i.value for i in at.info]
    # The Ausgaben page shares the pipeline: it says the same.
    at.switch_page("pages/zeitung_ausgaben.py").run()
    at.selectbox(key="np_ed_edition").set_value(ed).run()
    assert not at.exception, at.exception
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")
    assert "Für diese Ausgabe gibt es noch keine Bestellungen." in [i.value for i in at.info]


def test_a_step_says_which_orders_it_stopped_because_the_consent_went(app_db):
    from db.models import Consent
    from db.types import utcnow

    ed = edition_with_batch(app_db, "Einwilligung weg", date(2005, 1, 1), "14")
    n = _statuses(app_db, ed)["requested"]
    eng = make_engine(app_db)
    with eng.begin() as conn:  # one person's withdrawal reached the ledger without the card's hook
        cid = conn.scalar(select(DispatchOrder.contact_id).where(DispatchOrder.edition_id == ed).limit(1))
        now = utcnow() + timedelta(seconds=1)
        conn.execute(
            Consent.__table__.insert().values(
                contact_id=cid,
                purpose="newspaper",
                channel="post",
                granted_at=now,
                withdrawn_at=now,
                source="",
                evidence="",
            )
        )
    eng.dispose()
    at = _versand(ed)
    at.selectbox(key="np_ship_source").set_value("requested").run()
    at.button(key="np_ship_go").click().run()
    assert not at.exception, at.exception
    assert _statuses(app_db, ed) == {"approved": n - 1, "cancelled": 1}
    text = all_text(at)
    assert f"{n - 1} Bestellungen sind jetzt „freigegeben“." in text
    assert "1 Bestellung wurde storniert: Die Person stimmt der Zeitung per Post nicht mehr zu" in text

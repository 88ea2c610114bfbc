"""AppTest of the Zeitung pages per role: order one person, batch, editions, shipping and documents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditEvent, Contact, DispatchOrder, User
from db.queries.newspaper import BatchFilter, batch_select
from services.core.scope import scope_for
from services.core.settings import get_settings
from tests.support.apptest import all_text, edition_with_batch, new_edition, open_page


def _db(app_db):
    return make_engine(app_db)


def _far_contact_of(app_db, username, edition_id: int = -1):
    """The first contact of username's area with a right to free shipping and no open order for the edition."""
    eng = _db(app_db)
    with eng.connect() as conn:
        from sqlalchemy.orm import Session

        s = Session(bind=conn)
        scope = scope_for(s.scalar(select(User).where(User.username == username)))
        row = s.execute(
            batch_select(
                scope, edition_id, BatchFilter(reach_km=get_settings().office_reach_km), Contact.id, Contact.last_name
            )
            .order_by(Contact.id)
            .limit(1)
        ).first()
    eng.dispose()
    return row


def test_editions_page_creates_edition(app_db):
    at = open_page("pages/zeitung_ausgaben.py", "team")
    assert not at.exception, at.exception
    at.text_input[0].input("Extrablatt Pflege")
    form_buttons = [b for b in at.button if b.label == "Ausgabe anlegen"]
    form_buttons[0].click()
    at.run()
    assert not at.exception, at.exception
    assert "angelegt" in all_text(at)
    assert any("Extrablatt Pflege" in str(o) for o in at.selectbox(key="np_ed_edition").options)
    assert "auf Lager" in all_text(at)


def test_kreis_orders_for_one_person(app_db):
    # An edition of its own: batches other tests confirm (for Sachsen, or all Germany) order the
    # same far contacts for the editions they use, whatever order the tests run in.
    ed = new_edition(app_db, "Einzelbestellung", date(2009, 1, 1))
    row = _far_contact_of(app_db, "kv-goerlitz", ed)
    assert row is not None
    at = open_page("pages/zeitung_bestellen.py", "kv-goerlitz")
    assert not at.exception, at.exception
    at.selectbox(key="np_single_edition").set_value(ed).run()
    at.text_input(key="np_single_query").input(row.last_name).run()
    picker = at.selectbox(key="np_single_choice_0")
    assert any(row.last_name in str(o) for o in picker.options)
    picker.set_value(row.id).run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert "Kostenloser Versand" in text, text
    [b for b in at.button if b.label == "Zeitung bestellen"][0].click()
    at.run()
    assert "Bestellung" in all_text(at) and "angelegt" in all_text(at), all_text(at)
    eng = _db(app_db)
    with eng.connect() as conn:
        n = conn.scalar(
            select(func.count())
            .select_from(DispatchOrder)
            .where(DispatchOrder.contact_id == row.id, DispatchOrder.edition_id == ed)
        )
        opened = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "contact_open", AuditEvent.object_id == str(row.id))
        )
    eng.dispose()
    assert n == 1 and opened >= 1
    # The KV's own order list shows it, with its state.
    mine = at.dataframe[-1].value
    hit = mine[mine["Name"].str.contains(row.last_name, regex=False)]
    assert len(hit) == 1 and hit["Status"].iloc[0] == "angefragt"


def test_kreis_sees_only_own_contacts(app_db):
    eng = _db(app_db)
    with eng.connect() as conn:
        kv = conn.scalar(select(User.kv_id).where(User.username == "kv-goerlitz"))
        other = conn.execute(
            select(Contact.last_name, Contact.email).where(Contact.kv_id != kv).order_by(Contact.id).limit(1)
        ).first()
    eng.dispose()
    at = open_page("pages/zeitung_bestellen.py", "kv-goerlitz")
    at.text_input(key="np_single_query").input(other.last_name).run()
    assert not at.exception, at.exception
    pickers = [sb for sb in at.selectbox if sb.key == "np_single_choice_0"]
    labels = [str(o) for o in pickers[0].options] if pickers else []
    assert not any(other.email in label for label in labels)


def test_land_batch_preview_and_confirm(app_db):
    at = open_page("pages/zeitung_sammel.py", "lv-sachsen")
    assert not at.exception, at.exception
    [b for b in at.button if b.label == "Vorschau berechnen"][0].click()
    at.run()
    assert not at.exception, at.exception
    people = int(str([m for m in at.metric if m.label == "Personen"][0].value).replace(".", ""))
    confirm = [b for b in at.button if b.label.endswith("Bestellungen anlegen")]
    if people:
        confirm[0].click()
        at.run()
        assert "Bestellungen mit" in all_text(at), all_text(at)
        [b for b in at.button if b.label == "Vorschau berechnen"][0].click()
        at.run()
        assert [m for m in at.metric if m.label == "Personen"][0].value in ("0", "< 5", 0)


def test_team_ships_and_downloads_labels(app_db):
    ed = edition_with_batch(app_db, "Versandtest", date(2020, 1, 1))  # all Germany
    at = open_page("pages/zeitung_versand.py", "team")
    assert not at.exception, at.exception
    at.selectbox(key="np_ship_edition").set_value(ed).run()
    at.selectbox(key="np_ship_source").set_value("requested").run()
    go = [b for b in at.button if "setzen" in b.label][0]
    n = int(go.label.split()[0])  # "<n> Bestellungen auf „freigegeben“ setzen"
    assert n > 0
    go.click()
    at.run()
    assert not at.exception, at.exception
    assert f"{n} Bestellungen sind jetzt „freigegeben“." in all_text(at)
    # The page moved on with the orders: now they are shown as approved, the next step preselected.
    assert at.selectbox(key="np_ship_source").value == "approved"
    assert at.selectbox(key="np_ship_target_approved").value == "packed"
    [b for b in at.button if b.label == "Adressetiketten (PDF) erzeugen"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert "es gibt nichts zu drucken" not in all_text(at), all_text(at)
    eng = _db(app_db)
    with eng.connect() as conn:
        n = conn.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "newspaper_export_labels")
        )
    eng.dispose()
    assert n >= 1


def test_leitung_and_kreis_cannot_open_team_pages(app_db):
    import pytest

    for path, user in [
        ("pages/zeitung_versand.py", "kv-goerlitz"),
        ("pages/zeitung_sammel.py", "kv-leipzig"),
        ("pages/zeitung_bestellen.py", "leitung"),
        ("pages/zeitung_ausgaben.py", "lv-sachsen"),
    ]:
        with pytest.raises(ValueError):
            open_page(path, user)

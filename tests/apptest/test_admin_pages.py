"""Admin pages in AppTest: create a user, deactivate, unlock; CSV import errors in German."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.engine import make_engine
from db.models import AuditEvent, Kreisverband, User
from db.types import utcnow
from services.core.runtime import session_scope
from tests.support.apptest import all_text, open_page


def _by_label(elements, label):
    return next(e for e in elements if e.label == label)


def _kv_id(app_db, name):
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        kv_id = s.scalar(select(Kreisverband.id).where(Kreisverband.name == name))
    eng.dispose()
    return kv_id


def _user(app_db, username):
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        user = s.scalar(select(User).where(User.username == username))
        s.expunge_all()
    eng.dispose()
    return user


def test_admin_creates_deactivates_and_unlocks_a_user(app_db):
    at = open_page("pages/admin_users.py", "admin")
    _by_label(at.text_input, "Benutzername").input("apptest-neu")
    _by_label(at.text_input, "Anzeigename").input("App Test")
    at.selectbox(key="create_role").select("team")
    _by_label(at.text_input, "Erstes Passwort").input("ein-langes-passwort")
    _by_label(at.button, "Anlegen").click().run()
    assert not at.exception
    assert "Das Konto ist angelegt." in [s.value for s in at.success], all_text(at)
    new = _user(app_db, "apptest-neu")
    assert new.role == "team" and new.active

    at.selectbox(key="edit_user").select(new.id).run()
    at.button(key="deactivate").click().run()
    assert "Das Konto ist deaktiviert." in [s.value for s in at.success]
    assert not _user(app_db, "apptest-neu").active

    eng = make_engine(app_db)
    with session_scope(eng) as s:
        s.get(User, new.id).locked_until = utcnow() + timedelta(minutes=15)
        s.commit()
    eng.dispose()
    at.button(key="unlock").click().run()
    assert "Das Konto ist entsperrt." in [s.value for s in at.success]
    assert _user(app_db, "apptest-neu").locked_until is None

    eng = make_engine(app_db)
    with session_scope(eng) as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(new.id))).all()
    eng.dispose()
    assert {"user_created", "user_deactivated", "user_unlocked"} <= set(actions)


def test_duplicate_user_shows_german_error(app_db):
    at = open_page("pages/admin_users.py", "admin")
    _by_label(at.text_input, "Benutzername").input("team")
    at.selectbox(key="create_role").select("team")
    _by_label(at.text_input, "Erstes Passwort").input("ein-langes-passwort")
    _by_label(at.button, "Anlegen").click().run()
    assert any("gibt es schon" in e.value for e in at.error)


def test_role_has_no_default_and_the_area_field_follows_the_role(app_db):
    at = open_page("pages/admin_users.py", "admin")
    role = at.selectbox(key="create_role")
    assert role.value is None and role.placeholder == "Bitte wählen"
    labels = [s.label for s in at.selectbox]
    assert "Landesverband" not in labels and "Kreisverband" not in labels
    role.select("land").run()
    labels = [s.label for s in at.selectbox]
    assert "Landesverband" in labels and "Kreisverband" not in labels
    assert at.selectbox(key="create_land").value is None
    at.selectbox(key="create_role").select("kreis").run()
    labels = [s.label for s in at.selectbox]
    assert "Kreisverband" in labels and "Landesverband" not in labels
    at.selectbox(key="create_role").select("team").run()
    labels = [s.label for s in at.selectbox]
    assert "Landesverband" not in labels and "Kreisverband" not in labels
    # Without a role: a German error, nothing created.
    at.selectbox(key="create_role").set_value(None)
    _by_label(at.text_input, "Benutzername").input("ohne-rolle")
    _by_label(at.text_input, "Erstes Passwort").input("ein-langes-passwort")
    _by_label(at.button, "Anlegen").click().run()
    assert "Bitte wähle eine Rolle." in [e.value for e in at.error]
    assert _user(app_db, "ohne-rolle") is None


def test_input_is_kept_after_an_error_and_cleared_after_success(app_db):
    leipzig = _kv_id(app_db, "KV Leipzig")
    at = open_page("pages/admin_users.py", "admin")
    _by_label(at.text_input, "Benutzername").input("kv-neu")
    _by_label(at.text_input, "Anzeigename").input("Neu in Leipzig")
    _by_label(at.text_input, "E-Mail").input("neu@example.org")
    at.selectbox(key="create_role").select("kreis").run()
    at.selectbox(key="create_kv").select(leipzig)
    _by_label(at.text_input, "Erstes Passwort").input("kurz")
    _by_label(at.button, "Anlegen").click().run()
    assert at.error and not at.success, all_text(at)
    assert _user(app_db, "kv-neu") is None
    # Everything typed is still there; the role did not snap back.
    assert _by_label(at.text_input, "Benutzername").value == "kv-neu"
    assert _by_label(at.text_input, "Anzeigename").value == "Neu in Leipzig"
    assert at.selectbox(key="create_role").value == "kreis"
    assert at.selectbox(key="create_kv").value == leipzig
    _by_label(at.text_input, "Erstes Passwort").input("ein-langes-passwort")
    _by_label(at.button, "Anlegen").click().run()
    assert "Das Konto ist angelegt." in [s.value for s in at.success], all_text(at)
    assert _user(app_db, "kv-neu").kv_id == leipzig
    assert _by_label(at.text_input, "Benutzername").value == ""
    assert at.selectbox(key="create_role").value is None


def test_editing_a_kv_account_prefills_role_and_kv(app_db):
    goerlitz = _user(app_db, "kv-goerlitz")
    at = open_page("pages/admin_users.py", "admin")
    at.selectbox(key="edit_user").select(goerlitz.id).run()
    assert at.selectbox(key=f"edit_{goerlitz.id}_role").value == "kreis"
    kv_box = at.selectbox(key=f"edit_{goerlitz.id}_kv")
    assert kv_box.value == goerlitz.kv_id and "Görlitz" in kv_box.format_func(kv_box.value)
    assert "Landesverband" not in [s.label for s in at.selectbox]
    sachsen = _user(app_db, "lv-sachsen")
    at.selectbox(key="edit_user").select(sachsen.id).run()
    assert at.selectbox(key=f"edit_{sachsen.id}_land").value == "14"


def test_csv_import_error_shown_in_german(app_db):
    at = open_page("pages/admin_offices.py", "admin")
    at.text_area(key="csv_text").input("name;art;plz\nBüro A;Kiosk;04109\nBüro B;;123\n")
    at.button(key="import_csv").click().run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "Es wurde nichts importiert" in errors
    shown = "\n".join(t.value for t in at.text)  # the rows' problems quote the file: plain text
    assert "Zeile 2" in shown and "Kiosk" in shown and "Zeile 3" in shown and "fünf Ziffern" in shown


def test_csv_import_success(app_db):
    at = open_page("pages/admin_offices.py", "admin")
    at.text_area(key="csv_text").input("name,plz,oeffnungszeiten\nApptest-Büro,01067,Mo 10-12\n")
    at.button(key="import_csv").click().run()
    assert "1 Geschäftsstellen importiert." in [s.value for s in at.success]


def test_kv_and_audit_pages_render(app_db):
    at = open_page("pages/admin_kv.py", "admin")
    assert not at.exception and at.dataframe
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        s.add(AuditEvent(username="apptest", action="apptest_probe", object_type="kreis", object_id="14626"))
        s.commit()
    eng.dispose()
    at = open_page("pages/admin_audit.py", "admin")
    assert not at.exception
    at.selectbox(key="audit_action").select("apptest_probe").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["Aktion"]) == {"apptest_probe"} and list(shown["ID"]) == ["14626"]


def test_moving_a_kreis_says_what_moves_along(app_db):
    at = open_page("pages/admin_kv.py", "admin")
    _by_label(at.text_input, "Name").input("KV Apptest Umzug")
    _by_label(at.button, "Anlegen").click().run()
    assert "Der Kreisverband ist angelegt." in [s.value for s in at.success], all_text(at)
    kreis = _by_label(at.selectbox, "Kreis")
    old_kv = kreis.options[0].split(" (", 1)[1].rstrip(")")
    _by_label(at.selectbox, "Neuer Kreisverband").select(_kv_id(app_db, "KV Apptest Umzug"))
    _by_label(at.button, "Zuordnen").click().run()
    assert not at.exception
    assert "Zuordnung gespeichert." in [s.value for s in at.success], all_text(at)
    assert any("Geschäftsstellen wechseln mit." in i.value for i in at.info), all_text(at)
    # Back where it was, so other tests find the demo structure.
    _by_label(at.selectbox, "Neuer Kreisverband").select(_kv_id(app_db, old_kv))
    _by_label(at.button, "Zuordnen").click().run()
    assert "Zuordnung gespeichert." in [s.value for s in at.success], all_text(at)


def test_closing_an_office_keeps_it_chosen(app_db):
    at = open_page("pages/admin_offices.py", "admin")
    at.selectbox(key="office_pick").select_index(1).run()
    at.button(key="close_office").click().run()
    assert not at.exception
    assert any(s.value.endswith("ist geschlossen.") for s in at.success), all_text(at)
    at.button(key="reopen_office").click().run()
    assert any(s.value.endswith("ist wieder geöffnet.") for s in at.success), all_text(at)

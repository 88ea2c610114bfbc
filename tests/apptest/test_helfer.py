"""AppTest for the Helfer:innen pages, every role."""

from __future__ import annotations

import pytest

from tests.support.apptest import ROLES_USERS, all_text

PAGES = {
    "pages/helfer_bedarf.py": ("admin", "team", "land", "kreis"),
    "pages/helfer_angebote.py": ("admin", "team", "land", "kreis"),
    "pages/helfer_vermittlung.py": ("admin", "team", "land"),
}


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_page_per_role(run_page, path, role):
    if role not in PAGES[path]:
        # Switching to a page the role lacks raises: the navigation does not even offer it.
        with pytest.raises(ValueError):
            run_page(path, ROLES_USERS[role])
        return
    at = run_page(path, ROLES_USERS[role])
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = all_text(at)
    if path == "pages/helfer_bedarf.py":
        assert "Bedarf je Fähigkeit" in text
        if role == "kreis":
            # Only the user's own KV can be chosen for a lead.
            kv_box = next(sb for sb in at.selectbox if sb.label == "Kreisverband")
            assert len(kv_box.options) == 1
    elif path == "pages/helfer_angebote.py":
        assert "Neues Angebot erfassen" in text
    else:
        assert "Vorschläge" in text


def _mail_attempts(app_db) -> int:
    from sqlalchemy import func, select

    from db.engine import make_engine
    from db.models import MailOutbox

    eng = make_engine(app_db)
    with eng.connect() as conn:
        n = conn.scalar(select(func.coalesce(func.sum(MailOutbox.attempts), 0)))
    eng.dispose()
    return n


def test_team_runs_matching_and_accepts(run_page, app_db):
    attempts = _mail_attempts(app_db)
    at = run_page("pages/helfer_vermittlung.py", "team")
    at.button[0].click().run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert [m.label for m in at.metric][:3] == ["vermittelt", "offen", "Ø Entfernung"]
    comparison = next(e for e in at.expander if "Vergleich" in e.label)  # the team keeps it in an expander
    assert {"Passung optimal", "Passung gierig"} <= {m.label for m in comparison.metric}
    assert not at.error, [e.value for e in at.error]
    accept_all = next(b for b in at.button if b.label.startswith("Alle "))
    accept_all.click().run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert "angenommen" in text and "Angenommen (" in text
    # The page only queues the mails; the sender process (scripts/send_mail) delivers them.
    assert "Die Mails liegen im Postausgang" in text
    assert _mail_attempts(app_db) == attempts


def test_land_matching_stays_in_its_land(run_page):
    at = run_page("pages/helfer_vermittlung.py", "lv-sachsen")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "Vorschläge" in all_text(at)
    assert "vermittelt" in [m.label for m in at.metric]
    assert not [e for e in at.expander if "Vergleich" in e.label]  # staff outside the team see plain outcomes


def test_kreis_lead_form_rejects_bad_plz(run_page):
    at = run_page("pages/helfer_bedarf.py", "kv-leipzig")
    name = next(t for t in at.text_input if t.label == "Ansprechperson")
    name.input("Erika Muster")
    next(t for t in at.text_input if t.label == "PLZ").input("123")
    next(b for b in at.button if b.label == "Speichern").click().run()
    assert any("PLZ" in e.value for e in at.error)


def test_gap_per_kreis_is_a_sorted_bar_chart_with_table(run_page):
    at = run_page("pages/helfer_vermittlung.py", "team")
    assert at.get("vega_lite_chart")
    table = next(df.value for df in at.dataframe if "Lücke" in df.value)
    assert list(table["Lücke"]) == sorted(table["Lücke"], reverse=True)

"""Every page and every role: allowed roles see the page's title, others cannot reach it."""

from __future__ import annotations

import pytest

from registry import PAGES
from tests.support.apptest import ROLES_USERS, all_text, open_page

CASES = [(spec, role) for spec in PAGES for role in ROLES_USERS]


@pytest.mark.parametrize("spec,role", CASES, ids=[f"{s.url_path}-{r}" for s, r in CASES])
def test_page_for_role(app_db, spec, role):
    username = ROLES_USERS[role]
    if role in spec.roles:
        at = open_page(spec.path, username)
        assert not at.exception, at.exception
        # The page's st.title names it (it may say more, e.g. 'Helfer:innen-Bedarf' for 'Bedarf').
        assert any(spec.title in t.value for t in at.title), all_text(at)
        assert "nicht freigegeben" not in all_text(at)
    else:
        with pytest.raises(ValueError):
            open_page(spec.path, username)


def test_logged_out_sees_only_login_form(app_db):
    at = open_page(None, None)
    assert not at.exception
    labels = [t.label for t in at.text_input]
    assert labels == ["Benutzername", "Passwort"]
    assert "Linksaktive" not in [t.value for t in at.title]
    for spec in PAGES:
        if spec.path == "pages/uebersicht.py":
            continue
        with pytest.raises(ValueError):
            at.switch_page(spec.path)

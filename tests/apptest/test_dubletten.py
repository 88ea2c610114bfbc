"""AppTest of the Dubletten page: the queue in the user's area, merge and keep apart through the page, roles."""

from __future__ import annotations

import pytest

from tests.support.apptest import ROLES_USERS, all_text, open_page

PAGE = "pages/dubletten.py"


def _file_pair(app_db: str, ags: str) -> tuple[int, int, int]:
    """File two people of the KV covering Kreis ags, in no pair yet, as an open pair: (pair id, a, b)."""
    from sqlalchemy import select, union
    from sqlalchemy.orm import Session

    from db.engine import make_engine
    from db.models import Contact, DuplicateCandidate, Kreis

    eng = make_engine(app_db)
    with Session(eng) as s:
        kv_id = s.get(Kreis, ags).kv_id
        filed = union(select(DuplicateCandidate.contact_a), select(DuplicateCandidate.contact_b))
        a, b = s.execute(
            select(Contact.id, Contact.land_code)
            .where(Contact.kv_id == kv_id, Contact.id.not_in(filed))
            .order_by(Contact.id.desc())
            .limit(2)
        ).all()
        cand = DuplicateCandidate(
            contact_a=min(a.id, b.id),
            contact_b=max(a.id, b.id),
            kv_id=kv_id,
            land_code=a.land_code,
            score=0.97,
            agreeing=["plz"],
            origin="scan",
        )
        s.add(cand)
        s.commit()
        found = (cand.id, cand.contact_a, cand.contact_b)
    eng.dispose()
    return found


def _db(app_db: str, fn):
    from sqlalchemy.orm import Session

    from db.engine import make_engine

    eng = make_engine(app_db)
    with Session(eng) as s:
        out = fn(s)
    eng.dispose()
    return out


def _queue_ids(at) -> set[int]:
    return {int(i) for df in at.dataframe if "Nr." in df.value.columns for i in df.value["Nr."]}


def _pick(at, pair_id: int):
    at.selectbox(key=next(sb.key for sb in at.selectbox if sb.label == "Paar")).set_value(pair_id).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("role", [r for r in ROLES_USERS if r != "leitung"])
def test_page_per_role(app_db, role):
    at = open_page(PAGE, ROLES_USERS[role])
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = all_text(at)
    assert "Dubletten" in [t.value for t in at.title] and "Offene Paare" in text
    labels = [b.label for b in at.button]
    assert "Suche starten" in labels


def test_leitung_is_refused(app_db):
    # The navigation does not offer the page to leitung; the service refuses it as well (integration test).
    with pytest.raises(ValueError):
        open_page(PAGE, ROLES_USERS["leitung"])


def test_kreis_sees_only_its_pairs(app_db):
    leipzig, *_ = _file_pair(app_db, "14713")
    goerlitz, *_ = _file_pair(app_db, "14626")
    at = open_page(PAGE, "kv-leipzig")
    assert not at.exception, at.exception
    shown = _queue_ids(at)
    assert leipzig in shown and goerlitz not in shown
    assert goerlitz not in next(sb for sb in at.selectbox if sb.label == "Paar").options
    # The scan offers no choice of area: a kreis scans its own KV.
    assert not [sb for sb in at.selectbox if sb.key in ("dubletten_scan_land", "dubletten_scan_kv")]
    assert any("Gesucht wird in deinem Kreisverband" in t.value for t in at.text)


def test_merge_one_pair_through_the_page(app_db):
    from sqlalchemy import func, select

    from db.models import Contact

    pair, a, b = _file_pair(app_db, "14713")
    count = _db(app_db, lambda s: s.scalar(select(func.count()).select_from(Contact)))
    at = open_page(PAGE, "kv-leipzig")
    _pick(at, pair)
    assert any(f"Eintrag A (Nr. {a})" in df.value.columns for df in at.dataframe)
    at.button(key="dubletten_merge").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(f"Nr. {a} bleibt" in s.value for s in at.success), all_text(at)
    assert pair not in _queue_ids(at)
    assert _db(app_db, lambda s: s.scalar(select(func.count()).select_from(Contact))) == count - 1
    assert _db(app_db, lambda s: (s.get(Contact, a) is not None, s.get(Contact, b) is None)) == (True, True)


def test_keep_apart_removes_the_pair(app_db):
    from db.models import DuplicateCandidate

    pair, a, b = _file_pair(app_db, "14713")
    at = open_page(PAGE, "kv-leipzig")
    _pick(at, pair)
    at.button(key="dubletten_apart").click().run()
    assert not at.exception, at.exception
    assert any("Getrennt gehalten" in s.value for s in at.success), all_text(at)
    assert pair not in _queue_ids(at)
    assert _db(app_db, lambda s: s.get(DuplicateCandidate, pair).status) == "kept_apart"


def test_scan_by_hand_names_what_it_found(app_db):
    at = open_page(PAGE, "lv-sachsen")
    kv_box = at.selectbox(key="dubletten_scan_kv")
    assert kv_box.value is None and len(kv_box.options) > 1  # the whole Land, or one of its KVs
    at.button(key="dubletten_scan").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("Suche beendet:") for s in at.success), all_text(at)

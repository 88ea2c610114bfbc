"""Issue 14, finding 7: after an erasure the SQLite file and its WAL no longer hold the person's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.core.runtime import session_scope
from tests.support.dsr_person import EMAIL, LAST, STREET, make_person
from tests.support.scopes import ADMIN


def _file_bytes(engine) -> bytes:
    path = Path(engine.url.database)
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_erased_person_leaves_no_bytes_in_the_sqlite_file_or_wal(empty_engine, backend):
    if backend != "sqlite":
        pytest.skip("about the SQLite file and its WAL; PostgreSQL frees dead rows with VACUUM")
    from services.geo.reference import load_reference_data
    from services.privacy import erasure, requests

    with session_scope(empty_engine) as s:
        load_reference_data(s, merge_small_kvs=False)
        person = make_person(s)
        s.commit()
        rid = requests.register_request(s, ADMIN, person.contact_id, "erasure")
    assert EMAIL.encode() in _file_bytes(empty_engine)  # the check below can see the person
    with session_scope(empty_engine) as s:
        erasure.erase(s, ADMIN, rid, "LÖSCHEN")
    stored = _file_bytes(empty_engine)
    for value in (EMAIL, LAST, STREET):
        assert value.encode() not in stored, value

"""The nightly care of the trigger-kept tables: it folds the rollups, and repairs what a lost trigger left wrong."""

from __future__ import annotations

import json
import random

from sqlalchemy import func, select

from db import consent_state, rollups, topic_mask
from db.models import Consent, ConsentActive, Contact
from scripts import maintain_tables
from services.seed import seed_demo


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_the_job_folds_the_rollups_and_changes_nothing_a_reader_sees(empty_engine, capsys):
    seed_demo(empty_engine, contacts=200, seed=4)
    with empty_engine.begin() as conn:  # a few status changes: each adds a -1 and a +1 row
        ids = [r[0] for r in conn.execute(select(Contact.id).order_by(Contact.id).limit(30))]
        for cid in random.Random(1).sample(ids, 10):
            conn.execute(Contact.__table__.update().where(Contact.id == cid).values(status="member"))

    assert maintain_tables.main(["--database-url", _url(empty_engine)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert maintain_tables.main(["--database-url", _url(empty_engine)]) == 0
    second = json.loads(capsys.readouterr().out)

    assert first["rollup_rows_after"] < first["rollup_rows_before"] and first["repaired"] == []
    assert second["rollup_rows_before"] == second["rollup_rows_after"] == first["rollup_rows_after"]
    with empty_engine.connect() as conn:
        assert rollups.differences(conn) == {}


def test_the_job_repairs_active_consents_after_a_lost_trigger(empty_engine, capsys):
    seed_demo(empty_engine, contacts=200, seed=5)
    with empty_engine.begin() as conn:
        active = conn.scalar(select(func.count()).select_from(ConsentActive))
        consent_state.drop_triggers(conn)  # e.g. a restore that left the triggers out
        conn.exec_driver_sql("DELETE FROM consent WHERE purpose = 'newspaper'")
    with empty_engine.connect() as conn:
        assert consent_state.differences(conn)

    assert maintain_tables.main(["--database-url", _url(empty_engine)]) == 1
    assert json.loads(capsys.readouterr().out)["repaired"] == ["consent_active"]
    with empty_engine.begin() as conn:
        assert consent_state.differences(conn) == set()
        assert conn.scalar(select(func.count()).select_from(ConsentActive)) < active
        # The triggers are back: a new withdrawal is reflected at once.
        cid, purpose, channel = conn.execute(
            select(ConsentActive.contact_id, ConsentActive.purpose, ConsentActive.channel).limit(1)
        ).one()
        conn.execute(
            Consent.__table__.update()
            .where(Consent.contact_id == cid, Consent.purpose == purpose)
            .values(withdrawn_at=Consent.granted_at)
        )
        assert consent_state.differences(conn) == set()
        assert (purpose, channel, cid) not in {
            tuple(r)
            for r in conn.execute(select(ConsentActive.purpose, ConsentActive.channel, ConsentActive.contact_id))
        }


def test_the_job_repairs_topic_masks_after_a_lost_trigger(empty_engine, capsys):
    seed_demo(empty_engine, contacts=200, seed=6)
    with empty_engine.begin() as conn:
        topic_mask.drop_triggers(conn)
        conn.exec_driver_sql("DELETE FROM contact_topic WHERE topic = 'miete'")
    with empty_engine.connect() as conn:
        assert topic_mask.differences(conn)

    assert maintain_tables.main(["--database-url", _url(empty_engine)]) == 1
    assert json.loads(capsys.readouterr().out)["repaired"] == ["topic_mask"]
    with empty_engine.begin() as conn:
        assert topic_mask.differences(conn) == set()
        # The triggers are back: a removed topic clears its bit at once.
        cid = conn.exec_driver_sql("SELECT contact_id FROM contact_topic LIMIT 1").scalar()
        conn.exec_driver_sql(f"DELETE FROM contact_topic WHERE contact_id = {int(cid)}")
        assert topic_mask.differences(conn) == set()

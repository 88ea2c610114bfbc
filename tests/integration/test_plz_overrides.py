"""The reviewed PLZ → Kreis corrections (data/geo/plz_overrides.csv) reach the database: a new one loads them,
an existing one is corrected at start-up (PLZ rows and the Kreis, KV and Land of the people there), audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditEvent, Contact, Kreis, Plz
from services.core.bootstrap import prepare_database
from services.core.settings import get_settings
from services.geo import files as geodata
from services.geo.reference import load_reference_data, sync_plz_kreise


def _overrides() -> dict[str, str]:
    table = geodata.plz_overrides()
    return dict(zip(table["plz"], table["kreis_ags"]))


def test_a_new_database_loads_the_corrected_kreise(empty_engine):
    with Session(empty_engine) as session:
        load_reference_data(session, merge_small_kvs=False)
        session.commit()
        loaded = dict(session.execute(select(Plz.plz, Plz.kreis_ags).where(Plz.plz.in_(_overrides()))).all())
        assert loaded == _overrides() and loaded["26954"] == "03461"
        assert session.get(Kreis, loaded["26954"]).land_code == "03"  # Nordenham lies in Niedersachsen


def test_an_existing_database_is_corrected_with_its_people(session):
    # A database loaded before the correction: Nordenham in the city of Bremen, and somebody living there.
    session.execute(update(Plz).where(Plz.plz == "26954").values(kreis_ags="04011"))
    bremen = session.get(Kreis, "04011")
    person = Contact(
        first_name="Probe",
        last_name="Nordenham",
        plz="26954",
        city="Nordenham",
        kreis_ags="04011",
        kv_id=bremen.kv_id,
        land_code="04",
        status="contact",
        contact_since=date(2024, 1, 1),
        source="infostand",
    )
    session.add(person)
    session.flush()

    assert sync_plz_kreise(session) == {"26954": ("04011", "03461", 1)}
    wesermarsch = session.get(Kreis, "03461")
    session.refresh(person)
    assert session.get(Plz, "26954").kreis_ags == "03461"
    assert (person.kreis_ags, person.kv_id, person.land_code) == ("03461", wesermarsch.kv_id, "03")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "plz_kreis_corrected")).one()
    assert (event.object_type, event.object_id) == ("plz", "26954")
    assert event.details == {"from_ags": "04011", "to_ags": "03461", "contacts": 1}
    assert sync_plz_kreise(session) == {}  # once only


def test_start_up_corrects_an_existing_database(empty_engine):
    with Session(empty_engine) as session:
        load_reference_data(session, merge_small_kvs=False)
        session.execute(update(Plz).where(Plz.plz == "72250").values(kreis_ags="08317"))  # as loaded before
        session.commit()
    prepare_database(empty_engine, get_settings())
    with Session(empty_engine) as session:
        assert session.get(Plz, "72250").kreis_ags == "08237"

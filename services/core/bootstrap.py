"""Start-up: migrate the database and, in demo mode only, fill an empty one with demo data."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from db.migrate import upgrade
from db.models import Kreis
from services.core.settings import Settings


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Migrate to head; seed demo data and demo users when in demo mode and empty."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        from pathlib import Path

        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade(engine)
    with engine.connect() as conn:
        has_structure = conn.scalar(select(func.count()).select_from(Kreis)) > 0
    if has_structure:
        from services.core.runtime import session_scope
        from services.geo.reference import sync_plz_kreise

        # Reviewed PLZ -> Kreis corrections (data/geo/plz_overrides.csv) reach a database loaded before them.
        with session_scope(engine) as session:
            if sync_plz_kreise(session):
                session.commit()
        return
    if settings.demo_mode:
        from services.seed import seed_demo

        seed_demo(engine, contacts=settings.demo_contacts, seed=42)
        from services.seed.mailings import seed_demo_mailings

        seed_demo_mailings(engine)  # a sent Info and survey whose mails wait with working personal links
    else:
        from services.core.runtime import session_scope
        from services.geo.reference import load_reference_data

        with session_scope(engine) as session:
            load_reference_data(session, merge_small_kvs=False)
            session.commit()

"""Fast bulk writers: sqlite3 executemany and psycopg COPY, in the caller's transaction (DESIGN §8)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection

# Tables loaded in bulk; their secondary indexes are rebuilt once after loading.
BULK_TABLES = ("contact", "contact_topic", "consent", "activity", "volunteer_offer", "offer_skill")
# Tables given explicit ids; their PostgreSQL sequences are moved past them afterwards.
ID_TABLES = (
    "kreisverband",
    "office",
    "campaign_lead",
    "newspaper_edition",
    "app_user",
    "contact",
    "consent",
    "activity",
    "volunteer_offer",
)


class BulkWriter:
    """Writes rows through the raw DBAPI connection behind a SQLAlchemy Connection."""

    def __init__(self, conn: Connection):
        """Wrap a Connection that already began its transaction."""
        self.conn = conn
        self.dialect = conn.dialect.name
        self.dbapi = conn.connection.dbapi_connection
        self._indexes: list[tuple[str, str]] = []
        self._fks: list[tuple[str, str, str]] = []

    def _exec(self, sql: str, params: Sequence | None = None) -> list:
        cur = self.dbapi.cursor()
        try:
            cur.execute(sql, params) if params is not None else cur.execute(sql)
            return cur.fetchall() if cur.description else []
        finally:
            cur.close()

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        """Insert rows (tuples in column order) into table."""
        cols = ", ".join(columns)
        if self.dialect == "postgresql":
            with self.dbapi.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur = self.dbapi.cursor()
            try:
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})", rows)
            finally:
                cur.close()

    def insert_dicts(self, table: str, rows: list[dict]) -> None:
        """Insert a list of dicts that share their keys."""
        if rows:
            cols = list(rows[0])
            self.insert(table, cols, [tuple(r[c] for c in cols) for r in rows])

    def drop_bulk_indexes(self) -> None:
        """Drop secondary indexes (and on PostgreSQL foreign keys) of BULK_TABLES; remembered for rebuild."""
        if self.dialect == "postgresql":
            self._indexes = [
                tuple(r)
                for r in self._exec(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [list(BULK_TABLES)],
                )
            ]
            # Row-by-row FK triggers cost more than one validating join per constraint afterwards.
            self._fks = [
                tuple(r)
                for r in self._exec(
                    "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' AND t.relname = ANY(%s) "
                    "AND t.relnamespace = current_schema()::regnamespace ORDER BY c.conname",
                    [list(BULK_TABLES)],
                )
            ]
            for name, table, _ in self._fks:
                self._exec(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            marks = ", ".join("?" * len(BULK_TABLES))
            self._indexes = [
                tuple(r)
                for r in self._exec(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({marks}) ORDER BY name",
                    list(BULK_TABLES),
                )
            ]
        for name, _ in self._indexes:
            self._exec(f'DROP INDEX "{name}"')

    def rebuild_indexes(self, progress=None) -> None:
        """Recreate what drop_bulk_indexes removed (exact original definitions)."""
        if self.dialect == "postgresql":
            # One sort in memory per index, and the server's parallel workers scan and sort with it
            # (PostgreSQL builds a btree in parallel only when asked for workers and memory).
            self._exec("SET LOCAL maintenance_work_mem = '1GB'")
            self._exec("SET LOCAL max_parallel_maintenance_workers = 2")
        total = len(self._indexes) + len(self._fks)
        for i, (_, sql) in enumerate(self._indexes):
            self._exec(sql)
            if progress:
                progress((i + 1) / max(total, 1))
        for j, (name, table, definition) in enumerate(self._fks):
            self._exec(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            if progress:
                progress((len(self._indexes) + j + 1) / max(total, 1))
        self._indexes, self._fks = [], []

    def finish(self, analyze: bool = True) -> None:
        """Move PostgreSQL sequences past the explicit ids; refresh planner statistics unless told not to."""
        if self.dialect == "postgresql":
            for table in ID_TABLES:
                self._exec(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
        if analyze:
            self._exec("ANALYZE")


def reset_database(conn: Connection) -> None:
    """Delete every row of every table except alembic_version (the schema stays)."""
    from sqlalchemy import inspect

    from db import audit_guard

    # Reflected, not from the models: later features add tables this module does not know.
    tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
    # The audit log refuses deletion (db/audit_guard.py); wiping a whole demo database is the one
    # exception, done openly here and rolled back with everything else if it fails.
    with audit_guard.suspended(conn):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for name in tables:  # the caller turned foreign_keys off: any order, fast truncation
                conn.exec_driver_sql(f"DELETE FROM {name}")

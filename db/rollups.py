"""The triggers that keep the rollup tables (db/models/rollup.py) current, their rebuild and compaction.

Triggers and not application code: every write path (forms, import by COPY, merge, erasure, retention,
links, a psql session) changes contacts, and each would have to remember the rollups. SQLite gets row
triggers; PostgreSQL statement triggers with transition tables, so that a COPY of 100,000 contacts adds
one grouped row per key, not 100,000.

A topic is counted in the area of its contact. A contact's topics therefore leave the rollup before
the contact does (a BEFORE DELETE trigger counts them out while the contact's area can still be read),
and move when the contact moves to another PLZ. The topic rows themselves are deleted after the contact
(the foreign key's cascade, or on SQLite without foreign keys an AFTER DELETE trigger): their own
triggers then find no contact and count nothing twice. Deleting them before the contact, as this
module once did, made db/topic_mask.py's trigger update the very row being deleted, which both
databases refuse or leave undefined.
"""

from __future__ import annotations

from sqlalchemy import Connection

AREA = ("kv_id", "land_code")
# Rollups of contact columns: table -> key columns besides the area.
CONTACT_ROLLUPS: dict[str, tuple[str, ...]] = {
    "rollup_plz_status": ("plz", "status"),
    "rollup_kv_source": ("source",),
    "rollup_kv_day": ("day",),
}
TOPIC_ROLLUP = "rollup_plz_topic"
TOPIC_PLACE = ("kv_id", "land_code", "plz")  # the contact columns a topic is counted under
TABLES = (*CONTACT_ROLLUPS, TOPIC_ROLLUP)

_SQLITE_TRIGGERS = (
    "rollup_contact_insert",
    "rollup_contact_delete",
    "rollup_contact_topics_gone",
    *(f"rollup_contact_update_{t}" for t in CONTACT_ROLLUPS),
    "rollup_contact_move_topics",
    "rollup_topic_insert",
    "rollup_topic_delete",
    "rollup_topic_update",
)
_PG_TRIGGERS = {
    "contact": ("rollup_contact_insert", "rollup_contact_delete", "rollup_contact_update", "rollup_contact_topics_out"),
    "contact_topic": ("rollup_topic_insert", "rollup_topic_delete", "rollup_topic_update"),
}


def _expr(dialect: str, alias: str, column: str) -> str:
    """The SQL for one key column of a contact row called alias (day: the UTC day of creation)."""
    if column == "day":
        return f"date({alias}.created_at)" if dialect == "sqlite" else f"({alias}.created_at)::date"
    return f"{alias}.{column}"


def _keys(table: str) -> tuple[str, ...]:
    return (*AREA, *CONTACT_ROLLUPS[table]) if table in CONTACT_ROLLUPS else (*TOPIC_PLACE, "topic")


def _cols(table: str) -> str:
    return ", ".join((*_keys(table), "n"))


# --- SQLite: row triggers ---------------------------------------------------------------------------------


def _sqlite_row(table: str, alias: str, n: int) -> str:
    values = ", ".join(_expr("sqlite", alias, c) for c in _keys(table))
    return f"INSERT INTO {table} ({_cols(table)}) VALUES ({values}, {n});"


def _sqlite_topics(alias: str, n: int) -> str:
    place = ", ".join(f"{alias}.{c}" for c in TOPIC_PLACE)
    return (
        f"INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) "
        f"SELECT {place}, t.topic, {n} FROM contact_topic t WHERE t.contact_id = {alias}.id;"
    )


def _sqlite_changed(columns) -> str:
    return " OR ".join(f"{_expr('sqlite', 'OLD', c)} IS NOT {_expr('sqlite', 'NEW', c)}" for c in columns)


def _sqlite_ddl() -> list[str]:
    contact_cols = sorted({c if c != "day" else "created_at" for t in CONTACT_ROLLUPS for c in _keys(t)})
    ddl = [
        "CREATE TRIGGER rollup_contact_insert AFTER INSERT ON contact BEGIN "
        + " ".join(_sqlite_row(t, "NEW", 1) for t in CONTACT_ROLLUPS)
        + " END",
        "CREATE TRIGGER rollup_contact_delete BEFORE DELETE ON contact BEGIN "
        + _sqlite_topics("OLD", -1)
        + " "
        + " ".join(_sqlite_row(t, "OLD", -1) for t in CONTACT_ROLLUPS)
        + " END",
        # With foreign keys on, the cascade has already deleted them; a connection without them leaves them.
        "CREATE TRIGGER rollup_contact_topics_gone AFTER DELETE ON contact BEGIN "
        "DELETE FROM contact_topic WHERE contact_id = OLD.id; END",
    ]
    for table in CONTACT_ROLLUPS:
        ddl.append(
            f"CREATE TRIGGER rollup_contact_update_{table} AFTER UPDATE OF {', '.join(contact_cols)} ON contact "
            f"WHEN {_sqlite_changed(_keys(table))} BEGIN "
            f"{_sqlite_row(table, 'OLD', -1)} {_sqlite_row(table, 'NEW', 1)} END"
        )
    ddl.append(
        f"CREATE TRIGGER rollup_contact_move_topics AFTER UPDATE OF {', '.join(TOPIC_PLACE)} ON contact "
        f"WHEN {_sqlite_changed(TOPIC_PLACE)} BEGIN {_sqlite_topics('OLD', -1)} {_sqlite_topics('NEW', 1)} END"
    )
    place = ", ".join(f"c.{c}" for c in TOPIC_PLACE)

    def topic_row(alias: str, n: int) -> str:
        return (
            f"INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) "
            f"SELECT {place}, {alias}.topic, {n} FROM contact c WHERE c.id = {alias}.contact_id;"
        )

    ddl += [
        f"CREATE TRIGGER rollup_topic_insert AFTER INSERT ON contact_topic BEGIN {topic_row('NEW', 1)} END",
        f"CREATE TRIGGER rollup_topic_delete AFTER DELETE ON contact_topic BEGIN {topic_row('OLD', -1)} END",
        "CREATE TRIGGER rollup_topic_update AFTER UPDATE OF contact_id, topic ON contact_topic "
        "WHEN OLD.contact_id IS NOT NEW.contact_id OR OLD.topic IS NOT NEW.topic BEGIN "
        f"{topic_row('OLD', -1)} {topic_row('NEW', 1)} END",
    ]
    return ddl


# --- PostgreSQL: statement triggers with transition tables -----------------------------------------------


def _pg_grouped(table: str, rows: str, sign: str) -> str:
    keys = [_expr("postgresql", "r", c) for c in _keys(table)]
    positions = ", ".join(str(i + 1) for i in range(len(keys)))
    return (
        f"INSERT INTO {table} ({_cols(table)}) SELECT {', '.join(keys)}, {sign}count(*) "
        f"FROM {rows} r GROUP BY {positions};"
    )


def _pg_changed(table_keys, old: str = "o", new: str = "w") -> str:
    olds = ", ".join(_expr("postgresql", old, c) for c in table_keys)
    news = ", ".join(_expr("postgresql", new, c) for c in table_keys)
    return f"ROW({olds}) IS DISTINCT FROM ROW({news})"


def _pg_moved(table: str, keys, joined: str, old_keys, new_keys, changed: str) -> str:
    """Insert -1 under the old key and +1 under the new one for the changed rows of joined, summed."""
    positions = ", ".join(str(i + 1) for i in range(len(keys)))
    return (
        f"INSERT INTO {table} ({_cols(table)}) SELECT {', '.join(keys)}, sum(n) FROM ("
        f"SELECT {', '.join(old_keys)}, -1 AS n FROM {joined} WHERE {changed} "
        f"UNION ALL SELECT {', '.join(new_keys)}, 1 FROM {joined} WHERE {changed}"
        f") d ({', '.join(keys)}, n) GROUP BY {positions} HAVING sum(n) <> 0;"
    )


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
    )


def _pg_ddl() -> list[str]:
    joined = "old_rows o JOIN new_rows w ON w.id = o.id"
    updates = [
        _pg_moved(
            t,
            _keys(t),
            joined,
            [_expr("postgresql", "o", c) for c in _keys(t)],
            [_expr("postgresql", "w", c) for c in _keys(t)],
            _pg_changed(_keys(t)),
        )
        for t in CONTACT_ROLLUPS
    ]
    topic_keys = _keys(TOPIC_ROLLUP)
    updates.append(
        _pg_moved(
            TOPIC_ROLLUP,
            topic_keys,
            f"{joined} JOIN contact_topic t ON t.contact_id = w.id",
            [*(f"o.{c}" for c in TOPIC_PLACE), "t.topic"],
            [*(f"w.{c}" for c in TOPIC_PLACE), "t.topic"],
            _pg_changed(TOPIC_PLACE),
        )
    )
    place = ", ".join(f"c.{c}" for c in TOPIC_PLACE)

    def topics(rows: str, sign: str) -> str:
        return (
            f"INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) SELECT {place}, r.topic, {sign}count(*) "
            f"FROM {rows} r JOIN contact c ON c.id = r.contact_id GROUP BY 1, 2, 3, 4;"
        )

    topic_update = (
        f"INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) SELECT k, l, p, topic, sum(n) FROM ("
        f"SELECT {place}, o.topic, -1 FROM old_rows o JOIN contact c ON c.id = o.contact_id "
        "UNION ALL "
        f"SELECT {place}, w.topic, 1 FROM new_rows w JOIN contact c ON c.id = w.contact_id"
        ") d (k, l, p, topic, n) GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;"
    )
    functions = {
        "rollup_contact_insert": " ".join(_pg_grouped(t, "new_rows", "") for t in CONTACT_ROLLUPS),
        "rollup_contact_delete": " ".join(_pg_grouped(t, "old_rows", "-") for t in CONTACT_ROLLUPS),
        "rollup_contact_update": " ".join(updates),
        "rollup_topic_insert": topics("new_rows", ""),
        "rollup_topic_delete": topics("old_rows", "-"),
        "rollup_topic_update": topic_update,
    }
    ddl = [_pg_function(name, body) for name, body in functions.items()]
    # Row-level and before the delete: the contact's topics are counted out while its area can still be read;
    # the cascade deletes them afterwards, and the topic trigger then finds no contact.
    ddl.append(
        "CREATE OR REPLACE FUNCTION rollup_contact_topics_out() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) "
        f"SELECT {', '.join(f'OLD.{c}' for c in TOPIC_PLACE)}, t.topic, -count(*) FROM contact_topic t "
        "WHERE t.contact_id = OLD.id GROUP BY t.topic; RETURN OLD; END $$"
    )
    statement = "FOR EACH STATEMENT EXECUTE FUNCTION"
    ddl += [
        f"CREATE TRIGGER rollup_contact_insert AFTER INSERT ON contact REFERENCING NEW TABLE AS new_rows "
        f"{statement} rollup_contact_insert()",
        f"CREATE TRIGGER rollup_contact_delete AFTER DELETE ON contact REFERENCING OLD TABLE AS old_rows "
        f"{statement} rollup_contact_delete()",
        "CREATE TRIGGER rollup_contact_update AFTER UPDATE ON contact "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {statement} rollup_contact_update()",
        "CREATE TRIGGER rollup_contact_topics_out BEFORE DELETE ON contact FOR EACH ROW "
        "EXECUTE FUNCTION rollup_contact_topics_out()",
        f"CREATE TRIGGER rollup_topic_insert AFTER INSERT ON contact_topic REFERENCING NEW TABLE AS new_rows "
        f"{statement} rollup_topic_insert()",
        f"CREATE TRIGGER rollup_topic_delete AFTER DELETE ON contact_topic REFERENCING OLD TABLE AS old_rows "
        f"{statement} rollup_topic_delete()",
        "CREATE TRIGGER rollup_topic_update AFTER UPDATE ON contact_topic "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {statement} rollup_topic_update()",
    ]
    return ddl


# --- public -------------------------------------------------------------------------------------------------


def install_triggers(conn: Connection) -> None:
    """Create the rollup triggers (idempotent: drops them first)."""
    drop_triggers(conn)
    for stmt in _pg_ddl() if conn.dialect.name == "postgresql" else _sqlite_ddl():
        conn.exec_driver_sql(stmt)


def drop_triggers(conn: Connection) -> None:
    """Remove the rollup triggers (a bulk load does without them and calls rebuild afterwards)."""
    if conn.dialect.name == "postgresql":
        for table, names in _PG_TRIGGERS.items():
            for name in names:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    else:
        for name in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(conn: Connection) -> None:
    """Recount every rollup from the contacts (after a bulk load, or to repair)."""
    dialect = conn.dialect.name
    for table in CONTACT_ROLLUPS:
        keys = [_expr(dialect, "c", k) for k in _keys(table)]
        conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({_cols(table)}) SELECT {', '.join(keys)}, count(*) FROM contact c "
            f"GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}"
        )
    conn.exec_driver_sql(f"DELETE FROM {TOPIC_ROLLUP}")
    conn.exec_driver_sql(
        f"INSERT INTO {TOPIC_ROLLUP} ({_cols(TOPIC_ROLLUP)}) "
        f"SELECT {', '.join(f'c.{c}' for c in TOPIC_PLACE)}, t.topic, count(*) "
        "FROM contact_topic t JOIN contact c ON c.id = t.contact_id GROUP BY 1, 2, 3, 4"
    )


def compact(conn: Connection) -> None:
    """Fold each rollup into one row per key (drops keys whose sum is 0); readers see the same sums."""
    for table in TABLES:
        keys = ", ".join(_keys(table))
        positions = ", ".join(str(i + 1) for i in range(len(_keys(table))))
        if conn.dialect.name == "postgresql":
            # One statement, one snapshot: exactly the rows it deletes are summed, whatever commits meanwhile.
            conn.exec_driver_sql(
                f"WITH d AS (DELETE FROM {table} RETURNING {keys}, n) INSERT INTO {table} ({keys}, n) "
                f"SELECT {keys}, sum(n) FROM d GROUP BY {positions} HAVING sum(n) <> 0"
            )
        else:
            # SQLite has one writer at a time: the transaction sees every row up to last.
            last = conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
            if last is None:
                continue
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({keys}, n) SELECT {keys}, sum(n) FROM {table} WHERE id <= {int(last)} "
                f"GROUP BY {positions} HAVING sum(n) <> 0"
            )
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id <= {int(last)}")


def differences(conn: Connection) -> dict[str, set]:
    """Per rollup, the keys whose summed count differs from a count of the contacts (empty when all agree)."""
    dialect = conn.dialect.name
    out: dict[str, set] = {}
    for table in TABLES:
        keys = _keys(table)
        positions = ", ".join(str(i + 1) for i in range(len(keys)))
        if table == TOPIC_ROLLUP:
            raw_sql = (
                f"SELECT {', '.join(f'c.{c}' for c in TOPIC_PLACE)}, t.topic, count(*) "
                "FROM contact_topic t JOIN contact c ON c.id = t.contact_id GROUP BY 1, 2, 3, 4"
            )
        else:
            raw_sql = f"SELECT {', '.join(_expr(dialect, 'c', k) for k in keys)}, count(*) FROM contact c GROUP BY {positions}"
        rolled = f"SELECT {', '.join(keys)}, sum(n) FROM {table} GROUP BY {positions} HAVING sum(n) <> 0"
        raw = {tuple(str(v) for v in row) for row in conn.exec_driver_sql(raw_sql)}
        summed = {tuple(str(v) for v in row) for row in conn.exec_driver_sql(rolled)}
        if raw != summed:
            out[table] = raw ^ summed
    return out

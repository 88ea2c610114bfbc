-- Rights of the Cockpit's production role on PostgreSQL: everything it needs, nothing on the audit log
-- but reading and appending.
--
-- Two roles: the OWNER runs the migrations (python -m alembic upgrade head, or the first start with
-- it) and owns the tables; the APP role is what DATABASE_URL of the running Cockpit, the mail sender,
-- the import, the retention job and backups (pg_dump) use. Run this as the owner after every
-- migration (new tables need their grants):
--
--   psql "postgresql://cockpit_owner@db-host/cockpit" -v ON_ERROR_STOP=1 -v app_role=cockpit_app \
--        -f deploy/postgres/grants.sql
--
-- audit_event and erasure_tombstone are append-only for the app role: SELECT and INSERT only. On
-- top of that, triggers (migration 0010) refuse UPDATE, DELETE and TRUNCATE of audit_event for
-- every role, the owner too. Restoring a backup (python -m scripts.backup restore) needs the owner.

\set ON_ERROR_STOP on

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Every table: read and write ...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- ... but the audit log and the erasure tombstones only grow.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, erasure_tombstone FROM :"app_role";
-- The schema belongs to the owner: the app reads which migration it is at, nothing more.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM :"app_role";
REVOKE CREATE ON SCHEMA public FROM :"app_role";

import Foundation
import PostgresNIO

/// The versioned schema of a Cairn PostgreSQL database, applied when a storage opens it.
///
/// Migrations are append-only, as SQLite's: a released one is never edited. They run in one
/// transaction holding an advisory lock of the schema, so two processes starting at once migrate
/// once: the second waits, then finds every migration applied. Applied ones are recorded in
/// `cairn_migrations`; a database with a migration this Cairn does not know is refused.
enum PostgresMigrations {
    /// Every migration, oldest first: its identifier and its statements.
    static let all: [(id: String, statements: [String])] = [
        (
            "v1-instance",
            [
                // Runs and their tags, as in SQLite; `seq` orders them, `id` names them.
                """
                CREATE TABLE runs (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    job_name TEXT NOT NULL,
                    selection TEXT,
                    status TEXT NOT NULL,
                    tags TEXT NOT NULL,
                    asset_keys TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    started_at DOUBLE PRECISION,
                    ended_at DOUBLE PRECISION,
                    run_config TEXT,
                    parent_run_id TEXT,
                    root_run_id TEXT
                )
                """,
                "CREATE INDEX runs_status ON runs (status, seq)",
                "CREATE INDEX runs_job ON runs (job_name, seq)",
                "CREATE INDEX runs_root_run ON runs (root_run_id, seq) WHERE root_run_id IS NOT NULL",
                """
                CREATE TABLE run_tags (
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, key)
                )
                """,
                "CREATE INDEX run_tags_key_value ON run_tags (key, value, run_id)",
                // Events get their ids in commit order: appends hold an advisory lock from
                // before their insert until they commit, so a reader that has seen id N has seen
                // every event below N (`PostgresStorage.append`).
                """
                CREATE TABLE event_logs (
                    id BIGSERIAL PRIMARY KEY,
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    type TEXT NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL,
                    step_key TEXT,
                    asset_key TEXT,
                    level TEXT NOT NULL,
                    message TEXT NOT NULL,
                    body TEXT,
                    check_name TEXT,
                    partition_key TEXT
                )
                """,
                "CREATE INDEX event_logs_run ON event_logs (run_id, id)",
                "CREATE INDEX event_logs_asset ON event_logs (asset_key, type, id) WHERE asset_key IS NOT NULL",
                "CREATE INDEX event_logs_type ON event_logs (type, id)",
                "CREATE INDEX event_logs_check ON event_logs (asset_key, check_name, id) WHERE check_name IS NOT NULL",
                """
                CREATE TABLE asset_latest_materialization (
                    asset_key TEXT PRIMARY KEY,
                    event_id BIGINT NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                    run_id TEXT NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX asset_latest_materialization_event ON asset_latest_materialization (event_id)",
                """
                CREATE TABLE asset_latest_observation (
                    asset_key TEXT PRIMARY KEY,
                    event_id BIGINT NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                    run_id TEXT NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX asset_latest_observation_event ON asset_latest_observation (event_id)",
                """
                CREATE TABLE asset_check_latest (
                    asset_key TEXT NOT NULL,
                    check_name TEXT NOT NULL,
                    event_id BIGINT NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                    PRIMARY KEY (asset_key, check_name)
                )
                """,
                "CREATE INDEX asset_check_latest_event ON asset_check_latest (event_id)",
                """
                CREATE TABLE asset_partition_latest_materialization (
                    asset_key TEXT NOT NULL,
                    partition_key TEXT NOT NULL,
                    event_id BIGINT NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                    PRIMARY KEY (asset_key, partition_key)
                )
                """,
                """
                CREATE INDEX asset_partition_latest_materialization_event
                    ON asset_partition_latest_materialization (event_id)
                """,
                """
                CREATE TABLE asset_partition_status (
                    asset_key TEXT PRIMARY KEY,
                    cursor BIGINT NOT NULL,
                    data BYTEA NOT NULL
                )
                """,
                // Dynamic partitions are flagged, never deleted, so a key added again keeps its ordinal.
                """
                CREATE TABLE dynamic_partitions (
                    name TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    deleted BOOLEAN NOT NULL DEFAULT false,
                    PRIMARY KEY (name, ordinal),
                    UNIQUE (name, key)
                )
                """,
                """
                CREATE TABLE backfills (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    ended_at DOUBLE PRECISION,
                    run_config TEXT,
                    body TEXT NOT NULL
                )
                """,
                // A tick is kept once per schedule and scheduled time; a run key creates at most
                // one run per origin, whichever daemon asks first (the primary key decides).
                """
                CREATE TABLE schedule_states (
                    name TEXT COLLATE "C" PRIMARY KEY,
                    status TEXT NOT NULL,
                    last_tick DOUBLE PRECISION,
                    cursor TEXT
                )
                """,
                """
                CREATE TABLE schedule_ticks (
                    schedule_name TEXT NOT NULL,
                    scheduled_time DOUBLE PRECISION NOT NULL,
                    status TEXT NOT NULL,
                    run_ids TEXT NOT NULL,
                    message TEXT,
                    timestamp DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (schedule_name, scheduled_time)
                )
                """,
                """
                CREATE TABLE run_keys (
                    origin TEXT NOT NULL,
                    run_key TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    PRIMARY KEY (origin, run_key)
                )
                """,
                """
                CREATE TABLE automation_cursor (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    evaluation_id BIGINT NOT NULL,
                    last_event_id BIGINT,
                    evaluated_at DOUBLE PRECISION
                )
                """,
                "CREATE TABLE automation_asset_states (asset_key TEXT PRIMARY KEY, state TEXT NOT NULL)",
                """
                CREATE TABLE automation_evaluations (
                    asset_key TEXT NOT NULL,
                    evaluation_id BIGINT NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL,
                    evaluation TEXT NOT NULL,
                    PRIMARY KEY (asset_key, evaluation_id)
                )
                """,
                "CREATE TABLE concurrency_pools (name TEXT PRIMARY KEY, slot_limit INTEGER NOT NULL)",
                """
                CREATE TABLE concurrency_default_limit (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    slot_limit INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE concurrency_claims (
                    pool TEXT NOT NULL,
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    step_key TEXT NOT NULL,
                    claimed_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (pool, run_id, step_key)
                )
                """,
                "CREATE INDEX concurrency_claims_run ON concurrency_claims (run_id)",
                """
                CREATE TABLE run_heartbeats (
                    run_id TEXT PRIMARY KEY,
                    worker_pid INTEGER NOT NULL,
                    worker_host TEXT NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE daemon_heartbeats (
                    daemon_id TEXT NOT NULL,
                    service TEXT NOT NULL,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    timestamp DOUBLE PRECISION NOT NULL,
                    error TEXT,
                    PRIMARY KEY (daemon_id, service)
                )
                """,
            ]
        ),
        (
            "v2-leases",
            [
                // One row per lease ever taken: who holds it, until when, and its fencing token.
                """
                CREATE TABLE leases (
                    name TEXT COLLATE "C" PRIMARY KEY,
                    holder TEXT NOT NULL,
                    token BIGINT NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """
            ]
        ),
        (
            "v3-append-function",
            [
                // An append in one statement, so that no transaction waits on its client between
                // two statements: a client paused while it holds the event log's lock would stop
                // every append of every host. It mirrors `SQLiteStorage.insert(_:bodies:_:)`: the
                // runs' rows are locked in id order; an event of a run that ended before it (before
                // the batch or earlier in it) refuses the batch (fencing, SQLSTATE CA002), an
                // unknown run too (CA001); with `p_from`, nothing is appended unless every run is in
                // one of those statuses (a transition). Event ids follow commit order: the event
                // log's advisory lock is held from the first insert to the commit.
                """
                CREATE FUNCTION cairn_append(
                    p_events json, p_from text[], p_stages json, p_terminal text[], p_lock integer
                ) RETURNS SETOF bigint LANGUAGE plpgsql AS $fn$
                DECLARE
                    v_run text;
                    v_status text;
                    v_statuses jsonb := '{}';
                    v_event record;
                    v_id bigint;
                    v_locked boolean := false;
                BEGIN
                    FOR v_run IN SELECT DISTINCT x.r FROM json_to_recordset(p_events) AS x(r text) ORDER BY 1 LOOP
                        SELECT status INTO v_status FROM runs WHERE id = v_run FOR UPDATE;
                        IF NOT FOUND THEN
                            RAISE EXCEPTION 'there is no run with id %', v_run USING ERRCODE = 'CA001', DETAIL = v_run;
                        END IF;
                        IF p_from IS NOT NULL AND NOT (v_status = ANY (p_from)) THEN
                            RETURN;
                        END IF;
                        v_statuses := v_statuses || jsonb_build_object(v_run, v_status);
                    END LOOP;
                    FOR v_event IN
                        SELECT * FROM json_to_recordset(p_events) AS e(
                            n int, r text, t text, ts float8, s text, a text, l text, m text, b text, c text,
                            p text, ns text)
                        ORDER BY e.n
                    LOOP
                        v_status := v_statuses ->> v_event.r;
                        IF v_status = ANY (p_terminal) THEN
                            RAISE EXCEPTION 'run % ended %', v_event.r, v_status
                                USING ERRCODE = 'CA002', DETAIL = v_event.r, HINT = v_status;
                        END IF;
                        IF NOT v_locked THEN
                            PERFORM pg_advisory_xact_lock(p_lock, hashtext(current_schema()));
                            v_locked := true;
                        END IF;
                        INSERT INTO event_logs (
                            run_id, type, timestamp, step_key, asset_key, level, message, body, check_name,
                            partition_key)
                        VALUES (
                            v_event.r, v_event.t, v_event.ts, v_event.s, v_event.a, v_event.l, v_event.m, v_event.b,
                            v_event.c, v_event.p)
                        RETURNING event_logs.id INTO v_id;
                        RETURN NEXT v_id;
                        IF v_event.ns IS NOT NULL
                            AND (p_stages ->> v_event.ns)::int > (p_stages ->> v_status)::int THEN
                            UPDATE runs SET
                                status = v_event.ns,
                                started_at = CASE
                                    WHEN v_event.ns = 'STARTED' THEN v_event.ts
                                    WHEN v_event.ns = ANY (p_terminal) THEN coalesce(started_at, v_event.ts)
                                    ELSE started_at END,
                                ended_at = CASE WHEN v_event.ns = ANY (p_terminal) THEN v_event.ts ELSE ended_at END
                            WHERE id = v_event.r;
                            v_statuses := v_statuses || jsonb_build_object(v_event.r, v_event.ns);
                        END IF;
                        IF v_event.t = 'ASSET_MATERIALIZATION' AND v_event.a IS NOT NULL THEN
                            INSERT INTO asset_latest_materialization AS l (asset_key, event_id, run_id, timestamp)
                            VALUES (v_event.a, v_id, v_event.r, v_event.ts)
                            ON CONFLICT (asset_key) DO UPDATE SET
                                event_id = excluded.event_id, run_id = excluded.run_id, timestamp = excluded.timestamp
                            WHERE excluded.event_id > l.event_id;
                            IF v_event.p IS NOT NULL THEN
                                INSERT INTO asset_partition_latest_materialization AS l (asset_key, partition_key, event_id)
                                VALUES (v_event.a, v_event.p, v_id)
                                ON CONFLICT (asset_key, partition_key) DO UPDATE SET event_id = excluded.event_id
                                WHERE excluded.event_id > l.event_id;
                            END IF;
                        ELSIF v_event.t = 'ASSET_OBSERVATION' AND v_event.a IS NOT NULL THEN
                            INSERT INTO asset_latest_observation AS l (asset_key, event_id, run_id, timestamp)
                            VALUES (v_event.a, v_id, v_event.r, v_event.ts)
                            ON CONFLICT (asset_key) DO UPDATE SET
                                event_id = excluded.event_id, run_id = excluded.run_id, timestamp = excluded.timestamp
                            WHERE excluded.event_id > l.event_id;
                        ELSIF v_event.t = 'ASSET_CHECK_EVALUATION' AND v_event.a IS NOT NULL
                            AND v_event.c IS NOT NULL THEN
                            INSERT INTO asset_check_latest AS l (asset_key, check_name, event_id)
                            VALUES (v_event.a, v_event.c, v_id)
                            ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id
                            WHERE excluded.event_id > l.event_id;
                        ELSIF v_event.t = 'RUN_ENQUEUED' THEN
                            PERFORM pg_notify('cairn_queue_' || current_schema(), '');
                        END IF;
                    END LOOP;
                END
                $fn$
                """
            ]
        ),
    ]

    /// Creates the schema if the location names one, then applies the migrations the database
    /// lacks, on `connection`, in one transaction under the schema's advisory lock.
    ///
    /// - Throws: `PostgresStorageError.newerDatabase` when a newer Cairn migrated the database.
    static func apply(on connection: PostgresConnection, location: PostgresLocation, logger: Logger) async throws {
        // Every process opens the storage (each run's worker too): when every migration is
        // applied, one query says so, without the lock.
        if let applied = try? await appliedMigrations(on: connection, logger: logger),
            applied == Set(all.map(\.id))
        {
            return
        }
        try await connection.query("BEGIN", logger: logger)
        do {
            if let schema = location.schema {
                // Two processes creating the schema at once: the lock makes the second wait for the first.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema)))", logger: logger)
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \"\(unescaped: schema)\"", logger: logger)
            }
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('cairn-migrations:' || current_schema()))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS cairn_migrations (
                    id TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            let applied = try await appliedMigrations(on: connection, logger: logger)
            if let unknown = applied.subtracting(all.map(\.id)).sorted().first {
                throw PostgresStorageError.newerDatabase(location.description, migration: unknown)
            }
            for migration in all where !applied.contains(migration.id) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO cairn_migrations (id) VALUES (\(migration.id))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The identifiers of the migrations applied to the database.
    private static func appliedMigrations(on connection: PostgresConnection, logger: Logger) async throws
        -> Set<String>
    {
        var applied: Set<String> = []
        for try await id in try await connection.query("SELECT id FROM cairn_migrations", logger: logger)
            .decode(String.self)
        {
            applied.insert(id)
        }
        return applied
    }
}

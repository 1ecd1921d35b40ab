import GRDB

/// The versioned schema of a Cairn SQLite database, applied when it is opened.
///
/// Migrations are append-only: a released migration is never edited; a schema change is a new
/// migration registered after the others. GRDB records applied ones in `grdb_migrations`.
enum Migrations {
    /// Every migration, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        job_name TEXT NOT NULL,
                        selection TEXT,
                        status TEXT NOT NULL,
                        tags TEXT NOT NULL,
                        asset_keys TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        started_at REAL,
                        ended_at REAL
                    );
                    CREATE INDEX runs_status ON runs (status, seq);

                    CREATE TABLE run_tags (
                        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (run_id, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX run_tags_key_value ON run_tags (key, value, run_id);

                    CREATE TABLE event_logs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        type TEXT NOT NULL,
                        timestamp REAL NOT NULL,
                        step_key TEXT,
                        asset_key TEXT,
                        level TEXT NOT NULL,
                        message TEXT NOT NULL,
                        body TEXT
                    );
                    CREATE INDEX event_logs_run ON event_logs (run_id, id);
                    CREATE INDEX event_logs_asset ON event_logs (asset_key, type, id)
                        WHERE asset_key IS NOT NULL;
                    CREATE INDEX event_logs_type ON event_logs (type, id);

                    CREATE TABLE asset_latest_materialization (
                        asset_key TEXT PRIMARY KEY,
                        event_id INTEGER NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                        run_id TEXT NOT NULL,
                        timestamp REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-checks-observations-lineage") { db in
            // `check_name` is set only on ASSET_CHECK_EVALUATION events, so `event_logs_check` holds
            // exactly the evaluations, and `asset_key = ? AND check_name = ?` with an id range is one
            // range of it.
            try db.execute(
                sql: """
                    ALTER TABLE runs ADD COLUMN run_config TEXT;
                    ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
                    ALTER TABLE runs ADD COLUMN root_run_id TEXT;
                    CREATE INDEX runs_root_run ON runs (root_run_id, seq) WHERE root_run_id IS NOT NULL;

                    ALTER TABLE event_logs ADD COLUMN check_name TEXT;
                    CREATE INDEX event_logs_check ON event_logs (asset_key, check_name, id)
                        WHERE check_name IS NOT NULL;

                    CREATE TABLE asset_latest_observation (
                        asset_key TEXT PRIMARY KEY,
                        event_id INTEGER NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                        run_id TEXT NOT NULL,
                        timestamp REAL NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE asset_check_latest (
                        asset_key TEXT NOT NULL,
                        check_name TEXT NOT NULL,
                        event_id INTEGER NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                        PRIMARY KEY (asset_key, check_name)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v3-partitions-backfills") { db in
            // `partition_key`, since `PARTITION` is an SQL keyword. Only materializations of a partition have a
            // row in `asset_partition_latest_materialization`. Partition statuses, whose data can be large, are
            // kept in a table with rowids, as SQLite advises for large rows. Dynamic partitions are never deleted, only flagged, so a key added again keeps its ordinal;
            // their rows are in ordinal order, so listing a set is one range of the table.
            // A backfill's record is its columns plus a JSON body of the rest; its run config has its own
            // column, as in `runs`, so that a JSON `null` config stays distinct from none.
            try db.execute(
                sql: """
                    ALTER TABLE event_logs ADD COLUMN partition_key TEXT;

                    CREATE TABLE asset_partition_latest_materialization (
                        asset_key TEXT NOT NULL,
                        partition_key TEXT NOT NULL,
                        event_id INTEGER NOT NULL REFERENCES event_logs (id) ON DELETE CASCADE,
                        PRIMARY KEY (asset_key, partition_key)
                    ) WITHOUT ROWID;

                    CREATE TABLE asset_partition_status (
                        asset_key TEXT NOT NULL UNIQUE,
                        cursor INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );

                    CREATE TABLE dynamic_partitions (
                        name TEXT NOT NULL,
                        ordinal INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (name, ordinal),
                        UNIQUE (name, key)
                    ) WITHOUT ROWID;

                    CREATE TABLE backfills (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        ended_at REAL,
                        run_config TEXT,
                        body TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4-schedules") { db in
            // A tick is kept once per schedule and scheduled time, so two daemons evaluating the same
            // tick record it once. `run_keys` makes a run key create at most one run per origin (a
            // schedule or sensor), whichever process asks first.
            try db.execute(
                sql: """
                    CREATE TABLE schedule_states (
                        name TEXT PRIMARY KEY,
                        status TEXT NOT NULL,
                        last_tick REAL,
                        cursor TEXT
                    ) WITHOUT ROWID;

                    CREATE TABLE schedule_ticks (
                        schedule_name TEXT NOT NULL,
                        scheduled_time REAL NOT NULL,
                        status TEXT NOT NULL,
                        run_ids TEXT NOT NULL,
                        message TEXT,
                        timestamp REAL NOT NULL,
                        PRIMARY KEY (schedule_name, scheduled_time)
                    ) WITHOUT ROWID;

                    CREATE TABLE run_keys (
                        origin TEXT NOT NULL,
                        run_key TEXT NOT NULL,
                        run_id TEXT NOT NULL,
                        UNIQUE (origin, run_key)
                    );
                    """)
        }
        migrator.registerMigration("v5-automation") { db in
            // One cursor row, replaced by each tick only if its evaluation id is still the one the
            // tick started from; each asset's state, written when it changes; each evaluation kept.
            try db.execute(
                sql: """
                    CREATE TABLE automation_cursor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        evaluation_id INTEGER NOT NULL,
                        last_event_id INTEGER,
                        evaluated_at REAL
                    );

                    CREATE TABLE automation_asset_states (
                        asset_key TEXT PRIMARY KEY,
                        state TEXT NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE automation_evaluations (
                        asset_key TEXT NOT NULL,
                        evaluation_id INTEGER NOT NULL,
                        timestamp REAL NOT NULL,
                        evaluation TEXT NOT NULL,
                        PRIMARY KEY (asset_key, evaluation_id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v6-concurrency-pools") { db in
            // A claim counts while its run has not ended, which the join with `runs` decides, so a run
            // whose worker was killed frees its slots when it is marked ended. A pool's row exists only
            // while it has a limit; the default limit is the single row of its own table.
            try db.execute(
                sql: """
                    CREATE TABLE concurrency_pools (
                        name TEXT PRIMARY KEY,
                        slot_limit INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE concurrency_default_limit (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        slot_limit INTEGER NOT NULL
                    );

                    CREATE TABLE concurrency_claims (
                        pool TEXT NOT NULL,
                        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        step_key TEXT NOT NULL,
                        claimed_at REAL NOT NULL,
                        PRIMARY KEY (pool, run_id, step_key)
                    ) WITHOUT ROWID;
                    CREATE INDEX concurrency_claims_run ON concurrency_claims (run_id);
                    """)
        }
        migrator.registerMigration("v7-heartbeats") { db in
            // One row per run and per daemon service: a heartbeat replaces the previous one, so the
            // tables stay as small as the number of runs and services.
            try db.execute(
                sql: """
                    CREATE TABLE run_heartbeats (
                        run_id TEXT PRIMARY KEY,
                        worker_pid INTEGER NOT NULL,
                        worker_host TEXT NOT NULL,
                        timestamp REAL NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE daemon_heartbeats (
                        daemon_id TEXT NOT NULL,
                        service TEXT NOT NULL,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        timestamp REAL NOT NULL,
                        error TEXT,
                        PRIMARY KEY (daemon_id, service)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v8-retention") { db in
            // Deleting an event makes SQLite look for rows pointing at it in each table that
            // references it; without these indexes, pruning would scan them once per event. The
            // newest runs of each job, which a retention policy keeps, are one range per job.
            try db.execute(
                sql: """
                    CREATE INDEX asset_latest_materialization_event ON asset_latest_materialization (event_id);
                    CREATE INDEX asset_latest_observation_event ON asset_latest_observation (event_id);
                    CREATE INDEX asset_check_latest_event ON asset_check_latest (event_id);
                    CREATE INDEX asset_partition_latest_materialization_event
                        ON asset_partition_latest_materialization (event_id);
                    CREATE INDEX runs_job ON runs (job_name, seq);
                    """)
        }
        migrator.registerMigration("v9-leases") { db in
            // One row per lease ever taken: who holds it, until when, and its fencing token.
            try db.execute(
                sql: """
                    CREATE TABLE leases (
                        name TEXT PRIMARY KEY,
                        holder TEXT NOT NULL,
                        token INTEGER NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    /// Refuses databases written by a newer Cairn, then applies the migrations `pool` lacks.
    static func apply(to pool: DatabasePool, path: String) throws {
        let migrator = migrator
        let applied: Set<String>
        do {
            applied = try pool.read { try migrator.appliedIdentifiers($0) }
        } catch {
            throw SQLiteStorageError.cannotOpen(path: path, reason: "\(error)")
        }
        if let unknown = applied.subtracting(migrator.migrations).sorted().first {
            throw SQLiteStorageError.newerDatabase(path: path, migration: unknown)
        }
        // Two processes opening a new file at once may both try the same migration; the
        // loser fails, then finds it applied on the next attempt.
        var attemptsLeft = 3
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch is DatabaseError where attemptsLeft > 0 {
                attemptsLeft -= 1
            } catch {
                throw SQLiteStorageError.cannotOpen(path: path, reason: "migrating its schema failed: \(error)")
            }
        }
    }
}

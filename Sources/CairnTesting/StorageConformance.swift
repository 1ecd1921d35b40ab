import Cairn
import Foundation

/// The behaviour every `InstanceStorage` must have, as checks that need no test framework.
///
/// Run all checks, each on a new empty storage, or each check as its own test case:
///
/// ```swift
/// try await StorageConformance.verify { try SQLiteStorage(path: newTemporaryPath()) }
///
/// @Test(arguments: StorageConformance.checks)
/// func conformance(_ check: StorageConformance.Check) async throws {
///     try await check.run(on: InMemoryStorage())
/// }
/// ```
public enum StorageConformance {
    /// One named behaviour, checked on an empty storage.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check verifies, e.g. `runs are listed newest first, with limit and cursor`.
        public let name: String
        private let body: @Sendable (any InstanceStorage) async throws -> Void

        fileprivate init(_ name: String, _ body: @escaping @Sendable (any InstanceStorage) async throws -> Void) {
            self.name = name
            self.body = body
        }

        /// Runs the check on `storage`, which must be empty.
        ///
        /// - Throws: `ConformanceFailure` naming the check and what differed, also when the
        ///   storage throws an error the check did not expect.
        public func run(on storage: any InstanceStorage) async throws {
            do {
                try await body(storage)
            } catch let mismatch as Mismatch {
                throw ConformanceFailure(check: name, message: mismatch.message)
            } catch {
                throw ConformanceFailure(check: name, message: "unexpected error: \(error)")
            }
        }

        /// The check's name, as test reports show it.
        public var description: String { name }
    }

    /// Every check, in a fixed order.
    public static let checks: [Check] = [
        Check("a run is stored and read back") { try await addAndGetRun($0) },
        Check("adding a run with an existing id throws duplicateRun") { try await duplicateRun($0) },
        Check("runs are listed newest first, with limit and cursor") { try await runsNewestFirst($0) },
        Check("runs are filtered by status") { try await runsByStatus($0) },
        Check("runs are filtered by id prefix") { try await runsByIDPrefix($0) },
        Check("runs are filtered by tags") { try await runsByTags($0) },
        Check("runs are counted by status and job, with the oldest of each") { try await runCounts($0) },
        Check("run config and re-execution lineage round-trip") { try await runConfigAndLineage($0) },
        Check("append returns strictly increasing ids across batches") { try await appendIDs($0) },
        Check("events of a run come in order, with cursor and limit") { try await eventsOfRun($0) },
        Check("events of all runs come in order, filtered by type") { try await eventsByType($0) },
        Check("RUN_START starts a run and RUN_SUCCESS ends it") { try await runLifecycle($0) },
        Check("an ended run never changes and its events are refused") { try await terminalStatus($0) },
        Check("appending to an unknown run throws unknownRun and appends nothing") { try await unknownRun($0) },
        Check("the latest materialization of each asset is the newest") { try await latestMaterialization($0) },
        Check("latest materializations of 40,000 keys are read at once") { try await latestOfManyKeys($0) },
        Check("materializations are listed newest first, with cursor") { try await materializations($0) },
        Check("every event field round-trips") { try await eventFields($0) },
        Check("metadata of every kind and errors round-trip") { try await metadataRoundTrip($0) },
        Check("concurrent appends produce unique ids and lose nothing") { try await concurrentAppends($0) },
        Check("asset keys with several components round-trip") { try await assetKeyPaths($0) },
        Check("data versions, provenance and check evaluations round-trip") { try await dataVersionsAndChecks($0) },
        Check("retry, observation and check events round-trip and filter by type") { try await newEventTypes($0) },
        Check("the latest observation of each asset is the newest") { try await latestObservation($0) },
        Check("the latest evaluation of each check of each asset is the newest") {
            try await latestCheckEvaluation($0)
        },
        Check("check evaluations are listed newest first per check, with cursor and limit") {
            try await checkEvaluations($0)
        },
        Check("a failed append leaves the observation and check indexes unchanged") {
            try await failedAppendKeepsIndexes($0)
        },
        Check("latest observations and check evaluations of 40,000 keys are read at once") {
            try await latestObservationsAndChecksOfManyKeys($0)
        },
        Check("the partition of an event round-trips") { try await partitionRoundTrip($0) },
        Check("events of an asset come in order, filtered by type, with cursor and limit") {
            try await eventsOfAsset($0)
        },
        Check("the latest materialization of each partition of an asset is the newest") {
            try await latestPartitionMaterialization($0)
        },
        Check("latest materializations of 40,000 partitions are read at once") {
            try await latestOfManyPartitions($0)
        },
        Check("a stored partition status round-trips and is never replaced by an older one") {
            try await storedPartitionStatus($0)
        },
        Check("dynamic partitions are added once each, in order, with ordinals, per set") {
            try await dynamicPartitionsAdded($0)
        },
        Check("deleted dynamic partitions get their ordinal back when added again") {
            try await dynamicPartitionsDeleted($0)
        },
        Check("40,000 dynamic partitions are added, deleted and added again at once") {
            try await manyDynamicPartitions($0)
        },
        Check("queued runs go through STARTING to STARTED, CANCELING to CANCELED, or end canceled") {
            try await queuedRunLifecycle($0)
        },
        Check("a transition appends its event only from an allowed status") { try await transition($0) },
        Check("concurrent transitions of a queued run let exactly one succeed") {
            try await concurrentTransitions($0)
        },
        Check("a backfill is stored with its runs and read back") { try await addAndGetBackfill($0) },
        Check("backfills are listed newest first, with limit and cursor") { try await backfillsNewestFirst($0) },
        Check("a backfill's record is replaced by an update") { try await updateBackfill($0) },
        Check("adding a backfill with a duplicate run or id stores nothing") { try await duplicateInBackfill($0) },
        Check("schedule states are stored, replaced and listed by name") { try await scheduleStates($0) },
        Check("a run key creates one run, and a tick is recorded once") { try await runKeyCreatesOneRun($0) },
        Check("schedule ticks are listed newest first, with cursor and limit") {
            try await scheduleTicksNewestFirst($0)
        },
        Check("a sensor's runs, tick and cursor are stored together") { try await sensorCursorStoredWithTick($0) },
        Check("concurrent requests with one run key create one run") { try await concurrentRunKeys($0) },
        Check("the latest heartbeat of each run is kept and read by run") { try await runHeartbeats($0) },
        Check("heartbeats of 5,000 runs are read at once") { try await runHeartbeatsOfManyRuns($0) },
        Check("the latest heartbeat of each daemon service is kept, listed newest first and removed by daemon") {
            try await daemonHeartbeats($0)
        },
        Check("an automation tick stores its cursor, evaluations and runs together") {
            try await automationTickStoredTogether($0)
        },
        Check("an automation tick from a stale cursor, or with an existing run, stores nothing") {
            try await automationTickFromStaleCursor($0)
        },
        Check("pool limits are set, replaced, listed by name and deleted; bad ones are refused") {
            try await poolLimits($0)
        },
        Check("pool slots are claimed up to the limit, once per step, and freed by release") {
            try await poolClaims($0)
        },
        Check("a pool without a limit is unlimited unless a default limit is set") { try await poolDefaultLimit($0) },
        Check("claims of ended runs neither count nor are listed") { try await poolClaimsOfEndedRuns($0) },
        Check("concurrent claims of a limit-1 pool let exactly one win") { try await concurrentPoolClaims($0) },
        Check("a round of ticks is stored at once, run keys once across it, nothing on a duplicate id") {
            try await roundOfTicks($0)
        },
        Check("the last event id is none while the log is empty, then the newest id") {
            try await lastEventID($0)
        },
        Check("prunable runs are the old or surplus ended runs that hold no latest record and no live backfill") {
            try await prunableRuns($0)
        },
        Check("deleting runs takes their events in batches, and keeps ids and latest records") {
            try await deletedRunsTakeTheirEvents($0)
        },
        Check("a lease is held by one holder until it expires or is released; its token grows per holder") {
            try await leases($0)
        },
        Check("of 20 holders asking for one lease at once, exactly one gets it") { try await concurrentLeases($0) },
        Check("old schedule and sensor ticks go in batches, each one's latest stays") {
            try await oldTicksGoButTheLatest($0)
        },
    ]

    /// Runs every check, each on a new empty storage from `makeStorage`, stopping at the first failure.
    ///
    /// - Throws: `ConformanceFailure` for the first check that fails, or what `makeStorage` throws.
    public static func verify(_ makeStorage: () async throws -> any InstanceStorage) async throws {
        for check in checks {
            try await check.run(on: makeStorage())
        }
    }
}

// MARK: - Runs

extension StorageConformance {
    private static func addAndGetRun(_ storage: any InstanceStorage) async throws {
        let full = Run(
            id: "run-full", jobName: "daily_job", selection: "group:weather and tag:team=data",
            assetKeys: ["weather/raw", "weather/daily_highs"], tags: ["team": "data", "dagster/schedule": "daily"],
            status: .queued, createdAt: time(0), startedAt: time(1), endedAt: time(2.5))
        let bare = Run(id: "run-bare", assetKeys: [], createdAt: time(3))
        try await storage.addRun(full)
        try await storage.addRun(bare)
        try expectRun(try await storage.run("run-full"), full, "run(\"run-full\")")
        try expectRun(try await storage.run("run-bare"), bare, "run(\"run-bare\")")
        try expect(
            try await storage.run("run-missing") == nil, "run(\"run-missing\") returned a run that was never added")
    }

    private static func runConfigAndLineage(_ storage: any InstanceStorage) async throws {
        let config: JSONValue = .object([
            "ops": .object([
                "daily_highs": .object([
                    "config": .object([
                        "threshold": .number(-12.75),
                        "tiny": .number(1.5e-300),
                        "big": .number(9_007_199_254_740_992),
                        "zero": .number(0),
                        "one": .number(1),
                        "enabled": .bool(true),
                        "dry_run": .bool(false),
                        "comment": .null,
                        "name": .string("ünïcödé \"quoted\" / slashed\nnew line"),
                        "empty_text": .string(""),
                        "stations": .array([.string("SFO"), .number(2), .bool(false), .null, .array([]), .object([:])]),
                    ])
                ])
            ]),
            "resources": .object(["warehouse": .object(["config": .object(["schema": .string("public")])])]),
            "empty": .object([:]),
        ])
        let root = Run(id: "run-root", assetKeys: ["a", "b"], status: .failure, createdAt: time(0), runConfig: config)
        let retry = Run(
            id: "run-retry", assetKeys: ["b"], status: .failure, createdAt: time(1), runConfig: config,
            parentRunID: "run-root", rootRunID: "run-root")
        let retryOfRetry = Run(
            id: "run-retry-2", assetKeys: ["b"], createdAt: time(2), runConfig: .array([.number(1), .string("x")]),
            parentRunID: "run-retry", rootRunID: "run-root")
        let nullConfig = Run(id: "run-null-config", assetKeys: [], createdAt: time(3), runConfig: .null)
        let scalarConfig = Run(id: "run-scalar-config", assetKeys: [], createdAt: time(4), runConfig: .string("x"))
        let runs = [root, retry, retryOfRetry, nullConfig, scalarConfig]
        for run in runs {
            try await storage.addRun(run)
        }
        for run in runs {
            try expectRun(try await storage.run(run.id), run, "run(\"\(run.id)\")")
        }
        let listed = try await storage.runs(matching: RunFilter(), limit: 10, after: nil)
        try expectIDs(listed, runs.reversed().map(\.id), "all runs")
        for (actual, expected) in zip(listed, runs.reversed()) {
            try expectRun(actual, expected, "listed run \(expected.id)")
        }
        let failed = try await storage.runs(matching: RunFilter(statuses: [.failure]), limit: 10, after: nil)
        try expectIDs(failed, ["run-retry", "run-root"], "failed runs")
        try expectRun(failed.first, retry, "the first failed run")

        try await storage.append([
            Event(.runStart, runID: "run-retry-2", timestamp: time(5)),
            Event(.runSuccess, runID: "run-retry-2", timestamp: time(6)),
        ])
        var ended = retryOfRetry
        ended.status = .success
        ended.startedAt = time(5)
        ended.endedAt = time(6)
        try expectRun(try await storage.run("run-retry-2"), ended, "run-retry-2 after RUN_START and RUN_SUCCESS")
    }

    private static func duplicateRun(_ storage: any InstanceStorage) async throws {
        let original = makeRun("run-1", jobName: "original")
        try await storage.addRun(original)
        try await expectThrows(.duplicateRun("run-1"), "adding a second run with id run-1") {
            try await storage.addRun(makeRun("run-1", jobName: "impostor", tags: ["team": "x"]))
        }
        try expectRun(try await storage.run("run-1"), original, "run-1 after the rejected duplicate")
        try expectIDs(try await storage.runs(matching: RunFilter(), limit: 10, after: nil), ["run-1"], "all runs")
        try expectIDs(
            try await storage.runs(matching: RunFilter(tags: ["team": "x"]), limit: 10, after: nil), [],
            "runs tagged by the rejected duplicate")
    }

    private static func runsNewestFirst(_ storage: any InstanceStorage) async throws {
        // Ids out of alphabetical order, so sorting by id instead of by age shows.
        let ids: [RunID] = ["run-c", "run-a", "run-e", "run-b", "run-d", "run-g", "run-f"]
        for (index, id) in ids.enumerated() {
            try await storage.addRun(makeRun(id, createdAt: Double(index)))
        }
        let all = RunFilter()
        try expectIDs(try await storage.runs(matching: all, limit: 100, after: nil), ids.reversed(), "all runs")
        try expectIDs(
            try await storage.runs(matching: all, limit: 3, after: nil), ["run-f", "run-g", "run-d"], "first page of 3")
        try expectIDs(
            try await storage.runs(matching: all, limit: 3, after: "run-d"), ["run-b", "run-e", "run-a"],
            "page of 3 after run-d")
        try expectIDs(try await storage.runs(matching: all, limit: 3, after: "run-a"), ["run-c"], "page after run-a")
        try expectIDs(try await storage.runs(matching: all, limit: 3, after: "run-c"), [], "page after the oldest run")
        try expectIDs(try await storage.runs(matching: all, limit: 0, after: nil), [], "a page of limit 0")
        var paged: [RunID] = []
        var cursor: RunID?
        while true {
            let page = try await storage.runs(matching: all, limit: 2, after: cursor)
            guard let last = page.last else { break }
            try expect(page.count <= 2, "a page of limit 2 returned \(page.count) runs")
            paged += page.map(\.id)
            cursor = last.id
        }
        try expectEqual(paged, ids.reversed(), "run ids read in pages of 2")
    }

    private static func runsByStatus(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("queued", status: .queued, createdAt: 0))
        try await storage.addRun(makeRun("success-1", status: .success, createdAt: 1))
        try await storage.addRun(makeRun("failure", status: .failure, createdAt: 2))
        try await storage.addRun(makeRun("started-by-event", createdAt: 3))
        try await storage.addRun(makeRun("success-2", status: .success, createdAt: 4))
        try await storage.addRun(makeRun("canceled", status: .canceled, createdAt: 5))
        try await storage.append([Event(.runStart, runID: "started-by-event", timestamp: time(10))])

        func ids(_ statuses: Set<RunStatus>, limit: Int = 100, after cursor: RunID? = nil) async throws -> [RunID] {
            try await storage.runs(matching: RunFilter(statuses: statuses), limit: limit, after: cursor).map(\.id)
        }
        try expectEqual(try await ids([.success]), ["success-2", "success-1"], "runs with status SUCCESS")
        try expectEqual(
            try await ids([.success, .failure]), ["success-2", "failure", "success-1"],
            "runs with status SUCCESS or FAILURE")
        try expectEqual(try await ids([.started]), ["started-by-event"], "runs STARTED by a RUN_START event")
        try expectEqual(try await ids([.notStarted]), [], "runs with status NOT_STARTED after RUN_START")
        try expectEqual(try await ids([.starting]), [], "runs with status STARTING")
        try expectEqual(
            try await ids([.success, .failure, .canceled], limit: 2, after: "canceled"), ["success-2", "failure"],
            "ended runs, 2 after the run canceled")
    }

    private static func runsByIDPrefix(_ storage: any InstanceStorage) async throws {
        let runIDs: [RunID] = ["abc-1", "abd-2", "abc-3", "ABC-4", "a_c-5", "a%c-6", "xabc-7"]
        for (index, id) in runIDs.enumerated() {
            try await storage.addRun(makeRun(id, createdAt: Double(index)))
        }
        func ids(_ prefix: String, limit: Int = 100, after cursor: RunID? = nil) async throws -> [RunID] {
            try await storage.runs(matching: RunFilter(idPrefix: prefix), limit: limit, after: cursor).map(\.id)
        }
        try expectEqual(try await ids("abc"), ["abc-3", "abc-1"], "runs with id prefix 'abc' (case-sensitive)")
        try expectEqual(try await ids("abc-1"), ["abc-1"], "runs with a whole id as prefix")
        try expectEqual(try await ids("a_"), ["a_c-5"], "runs with id prefix 'a_' ('_' is no wildcard)")
        try expectEqual(try await ids("a%"), ["a%c-6"], "runs with id prefix 'a%' ('%' is no wildcard)")
        try expectEqual(try await ids("ab", limit: 1, after: "abc-3"), ["abd-2"], "1 run with prefix 'ab' after abc-3")
        try expectEqual(try await ids("zzz"), [], "runs with id prefix 'zzz'")
        try expectEqual(try await ids(""), runIDs.reversed(), "runs with the empty id prefix")
    }

    private static func runsByTags(_ storage: any InstanceStorage) async throws {
        let tagged: [(RunID, [String: String], RunStatus)] = [
            ("r1", ["team": "data", "env": "prod"], .success),
            ("r2", ["team": "data", "env": "dev"], .failure),
            ("r3", ["team": "ml", "env": "prod"], .success),
            ("r4", ["team": "data"], .success),
            ("r5", [:], .success),
            ("r6", ["team": "data", "env": "prod", "dagster/partition": "2024-01-01"], .queued),
        ]
        for (index, (id, tags, status)) in tagged.enumerated() {
            try await storage.addRun(makeRun(id, status: status, tags: tags, createdAt: Double(index)))
        }
        func ids(_ filter: RunFilter, limit: Int = 100, after cursor: RunID? = nil) async throws -> [RunID] {
            try await storage.runs(matching: filter, limit: limit, after: cursor).map(\.id)
        }
        try expectEqual(
            try await ids(RunFilter(tags: ["team": "data"])), ["r6", "r4", "r2", "r1"], "runs of team=data")
        try expectEqual(
            try await ids(RunFilter(tags: ["team": "data", "env": "prod"])), ["r6", "r1"],
            "runs with both team=data and env=prod")
        try expectEqual(try await ids(RunFilter(tags: ["env": "prod"])), ["r6", "r3", "r1"], "runs of env=prod")
        try expectEqual(
            try await ids(RunFilter(tags: ["dagster/partition": "2024-01-01"])), ["r6"],
            "runs of partition 2024-01-01")
        try expectEqual(try await ids(RunFilter(tags: ["team": "Data"])), [], "runs of team=Data (case-sensitive)")
        try expectEqual(try await ids(RunFilter(tags: ["owner": "data"])), [], "runs with an unused tag key")
        try expectEqual(
            try await ids(RunFilter(tags: ["team": "data"]), limit: 2, after: "r6"), ["r4", "r2"],
            "2 runs of team=data after r6")
        try expectEqual(
            try await ids(RunFilter(statuses: [.success], tags: ["team": "data"])), ["r4", "r1"],
            "successful runs of team=data")
        try expectEqual(
            try await ids(RunFilter(statuses: [.success], idPrefix: "r1", tags: ["env": "prod"])), ["r1"],
            "successful runs of env=prod with id prefix r1")
    }
}

// MARK: - Events

extension StorageConformance {
    private static func appendIDs(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        try expectEqual(try await storage.append([]), [], "records of an empty append")
        let batches: [[Event]] = [
            [
                Event(.runStart, runID: "run-1", timestamp: time(1)),
                Event(.stepStart, runID: "run-1", timestamp: time(2), stepKey: "a"),
                Event(.stepSuccess, runID: "run-1", timestamp: time(3), stepKey: "a"),
            ],
            [Event(.logs, runID: "run-1", timestamp: time(4), message: "one")],
            [
                Event(.logs, runID: "run-1", timestamp: time(5), message: "two"),
                Event(.logs, runID: "run-1", timestamp: time(6), message: "three"),
                Event(.runSuccess, runID: "run-1", timestamp: time(7)),
            ],
        ]
        var appended: [EventRecord] = []
        for (index, batch) in batches.enumerated() {
            let records = try await storage.append(batch)
            try expectEqual(records.count, batch.count, "number of records returned for batch \(index + 1)")
            for (record, event) in zip(records, batch) {
                try expectEvent(record.event, event, "event returned for batch \(index + 1)")
            }
            appended += records
        }
        let ids = appended.map(\.id)
        try expect(
            zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 },
            "ids of three batches are not strictly increasing: \(ids)")
        try expectRecords(try await storage.events(after: nil, types: nil, limit: 100), appended, "all stored events")
    }

    private static func eventsOfRun(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-a", createdAt: 0))
        try await storage.addRun(makeRun("run-b", createdAt: 1))
        let first = try await storage.append([
            Event(.logs, runID: "run-a", timestamp: time(1), message: "a1"),
            Event(.logs, runID: "run-b", timestamp: time(2), message: "b1"),
            Event(.logs, runID: "run-a", timestamp: time(3), message: "a2"),
            Event(.logs, runID: "run-b", timestamp: time(4), message: "b2"),
            Event(.logs, runID: "run-a", timestamp: time(5), message: "a3"),
        ])
        let second = try await storage.append([
            Event(.logs, runID: "run-b", timestamp: time(6), message: "b3"),
            Event(.logs, runID: "run-a", timestamp: time(7), message: "a4"),
        ])
        let all = first + second
        let ofA = all.filter { $0.event.runID == "run-a" }
        let ofB = all.filter { $0.event.runID == "run-b" }
        try expectRecords(try await storage.events(ofRun: "run-a", after: nil, limit: 100), ofA, "events of run-a")
        try expectRecords(try await storage.events(ofRun: "run-b", after: nil, limit: 100), ofB, "events of run-b")
        try expectRecords(
            try await storage.events(ofRun: "run-a", after: nil, limit: 2), Array(ofA.prefix(2)),
            "first 2 events of run-a")
        try expectRecords(
            try await storage.events(ofRun: "run-a", after: ofA[1].id, limit: 1), [ofA[2]],
            "1 event of run-a after its second")
        try expectRecords(
            try await storage.events(ofRun: "run-b", after: ofA[0].id, limit: 2), Array(ofB.prefix(2)),
            "2 events of run-b after the first event of run-a")
        try expectRecords(
            try await storage.events(ofRun: "run-a", after: ofA[3].id, limit: 100), [],
            "events of run-a after its last")
        try expectRecords(
            try await storage.events(ofRun: "run-missing", after: nil, limit: 100), [], "events of an unknown run")
    }

    private static func eventsByType(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-a", createdAt: 0))
        try await storage.addRun(makeRun("run-b", createdAt: 1))
        let records = try await storage.append([
            Event(.runStart, runID: "run-a", timestamp: time(1)),
            Event(.runStart, runID: "run-b", timestamp: time(2)),
            Event(.assetMaterialization, runID: "run-a", timestamp: time(3), assetKey: "x"),
            Event(.logs, runID: "run-b", timestamp: time(4), message: "hello"),
            Event(.assetMaterialization, runID: "run-b", timestamp: time(5), assetKey: "y"),
            Event(.runSuccess, runID: "run-a", timestamp: time(6)),
            Event(.runFailure, runID: "run-b", timestamp: time(7)),
        ])
        func ofTypes(_ types: Set<EventType>) -> [EventRecord] {
            records.filter { types.contains($0.event.type) }
        }
        try expectRecords(try await storage.events(after: nil, types: nil, limit: 100), records, "events of all types")
        try expectRecords(
            try await storage.events(after: nil, types: [.assetMaterialization], limit: 100),
            ofTypes([.assetMaterialization]), "materializations of both runs")
        let runLevel: Set<EventType> = [.runStart, .runSuccess, .runFailure]
        try expectRecords(
            try await storage.events(after: nil, types: runLevel, limit: 100), ofTypes(runLevel),
            "run-level events of both runs")
        try expectRecords(
            try await storage.events(after: records[1].id, types: runLevel, limit: 2),
            Array(ofTypes(runLevel).dropFirst(2).prefix(2)), "2 run-level events after the second event")
        try expectRecords(
            try await storage.events(after: records[2].id, types: nil, limit: 3), Array(records[3..<6]),
            "3 events after the third")
        try expectRecords(
            try await storage.events(after: records[6].id, types: nil, limit: 100), [], "events after the last")
        try expectRecords(try await storage.events(after: nil, types: [], limit: 100), [], "events of no type")
        try expectRecords(
            try await storage.events(after: nil, types: [.stepFailure], limit: 100), [],
            "events of a type never appended")
    }

    private static func runLifecycle(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        try await storage.append([Event(.runStart, runID: "run-1", timestamp: time(10))])
        var run = try await storage.run("run-1")
        try expectEqual(run?.status, .started, "status after RUN_START")
        try expectInstant(run?.startedAt, time(10), "startedAt after RUN_START")
        try expectInstant(run?.endedAt, nil, "endedAt after RUN_START")

        try await storage.append([
            Event(.stepStart, runID: "run-1", timestamp: time(11), stepKey: "a"),
            Event(.stepSuccess, runID: "run-1", timestamp: time(12), stepKey: "a"),
        ])
        try expectEqual(try await storage.run("run-1")?.status, .started, "status after step events")

        try await storage.append([Event(.runSuccess, runID: "run-1", timestamp: time(13.5))])
        run = try await storage.run("run-1")
        try expectEqual(run?.status, .success, "status after RUN_SUCCESS")
        try expectInstant(run?.startedAt, time(10), "startedAt after RUN_SUCCESS")
        try expectInstant(run?.endedAt, time(13.5), "endedAt after RUN_SUCCESS")
        try expectIDs(
            try await storage.runs(matching: RunFilter(statuses: [.success]), limit: 10, after: nil), ["run-1"],
            "runs with status SUCCESS")

        try await storage.addRun(makeRun("run-2"))
        try await storage.append([Event(.runFailure, runID: "run-2", timestamp: time(20))])
        run = try await storage.run("run-2")
        try expectEqual(run?.status, .failure, "status after RUN_FAILURE of a run never started")
        try expectInstant(run?.startedAt, time(20), "startedAt after RUN_FAILURE of a run never started")
        try expectInstant(run?.endedAt, time(20), "endedAt after RUN_FAILURE of a run never started")

        try await storage.addRun(makeRun("run-3"))
        try await storage.append([
            Event(.runStart, runID: "run-3", timestamp: time(30)),
            Event(.runCanceled, runID: "run-3", timestamp: time(31)),
        ])
        run = try await storage.run("run-3")
        try expectEqual(run?.status, .canceled, "status after RUN_START and RUN_CANCELED in one batch")
        try expectInstant(run?.startedAt, time(30), "startedAt after RUN_START and RUN_CANCELED in one batch")
        try expectInstant(run?.endedAt, time(31), "endedAt after RUN_START and RUN_CANCELED in one batch")
    }

    private static func terminalStatus(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        try await storage.append([
            Event(.runStart, runID: "run-1", timestamp: time(1)),
            Event(.runSuccess, runID: "run-1", timestamp: time(2)),
        ])
        try await expectThrows(.runEnded("run-1", .success), "RUN_FAILURE after RUN_SUCCESS") {
            try await storage.append([Event(.runFailure, runID: "run-1", timestamp: time(3))])
        }
        try await expectThrows(.runEnded("run-1", .success), "a materialization of a worker that woke up late") {
            try await storage.append([
                Event(.assetMaterialization, runID: "run-1", timestamp: time(4), assetKey: "late"),
                Event(.stepSuccess, runID: "run-1", timestamp: time(5), stepKey: "late"),
            ])
        }
        try expectEqual(
            try await storage.transition(Event(.runCanceled, runID: "run-1"), from: [.started, .canceling])?.id, nil,
            "a transition of an ended run")
        let run = try await storage.run("run-1")
        try expectEqual(run?.status, .success, "status of a successful run after refused events")
        try expectInstant(run?.startedAt, time(1), "startedAt of a successful run after refused events")
        try expectInstant(run?.endedAt, time(2), "endedAt of a successful run after refused events")
        try expectEqual(
            try await storage.events(ofRun: "run-1", after: nil, limit: 100).map(\.event.type),
            [.runStart, .runSuccess],
            "event types stored for the run: none after its end")
        try expectEqual(
            try await storage.latestMaterializations(of: ["late"]).count, 0, "the late worker's materialization")

        try await storage.addRun(makeRun("run-2"))
        try await expectThrows(.runEnded("run-2", .failure), "RUN_SUCCESS after RUN_FAILURE in one batch") {
            try await storage.append([
                Event(.runStart, runID: "run-2", timestamp: time(10)),
                Event(.runFailure, runID: "run-2", timestamp: time(11)),
                Event(.runSuccess, runID: "run-2", timestamp: time(12)),
            ])
        }
        try expectEqual(try await storage.run("run-2")?.status, .notStarted, "status after a refused batch")
        try await storage.append([
            Event(.runStart, runID: "run-2", timestamp: time(10)),
            Event(.runFailure, runID: "run-2", timestamp: time(11)),
        ])
        let second = try await storage.run("run-2")
        try expectEqual(second?.status, .failure, "status after RUN_FAILURE")
        try expectInstant(second?.endedAt, time(11), "endedAt after RUN_FAILURE")

        try await storage.addRun(makeRun("run-3", status: .canceled, createdAt: 20))
        try await storage.addRun(makeRun("run-4", createdAt: 21))
        try await expectThrows(.runEnded("run-3", .canceled), "a batch with an event of a run added as CANCELED") {
            try await storage.append([
                Event(.logs, runID: "run-4", timestamp: time(21), message: "live"),
                Event(.runStart, runID: "run-3", timestamp: time(21)),
            ])
        }
        try expectEqual(
            try await storage.run("run-3")?.status, .canceled, "status of a run added as CANCELED after RUN_START")
        try expectEqual(
            try await storage.events(ofRun: "run-4", after: nil, limit: 10).count, 0,
            "events of a live run in a refused batch")
    }

    private static func unknownRun(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        try await expectThrows(.unknownRun("ghost"), "appending a batch with an event of run ghost between valid ones")
        {
            try await storage.append([
                Event(.runStart, runID: "run-1", timestamp: time(1)),
                Event(.assetMaterialization, runID: "run-1", timestamp: time(2), assetKey: "orders"),
                Event(.stepStart, runID: "ghost", timestamp: time(3), stepKey: "a"),
                Event(.logs, runID: "run-1", timestamp: time(4), message: "after the ghost"),
            ])
        }
        try expectRecords(
            try await storage.events(after: nil, types: nil, limit: 100), [], "events after the failed append")
        try expectEqual(try await storage.run("run-1")?.status, .notStarted, "status of run-1 after the failed append")
        try expectEqual(
            try await storage.latestMaterializations(of: ["orders"]).count, 0,
            "latest materializations after the failed append")
        try await expectThrows(.unknownRun("ghost"), "appending a batch with only events of run ghost") {
            try await storage.append([Event(.logs, runID: "ghost", timestamp: time(5))])
        }
        let records = try await storage.append([Event(.logs, runID: "run-1", timestamp: time(6), message: "valid")])
        try expectRecords(
            try await storage.events(after: nil, types: nil, limit: 100), records,
            "events after the failed appends and one valid append")
    }

    private static func latestMaterialization(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        let first = try await storage.append([
            Event(.assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: "a", metadata: ["rows": 1]),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(2), assetKey: "b"),
        ])
        let second = try await storage.append([
            Event(.stepOutput, runID: "run-2", timestamp: time(3), stepKey: "a", assetKey: "a"),
            Event(.assetMaterialization, runID: "run-2", timestamp: time(4), assetKey: "a", metadata: ["rows": 2]),
            Event(.handledOutput, runID: "run-2", timestamp: time(5), stepKey: "a", assetKey: "a"),
        ])
        let latest = try await storage.latestMaterializations(of: ["a", "b", "c"])
        try expectEqual(latest.keys.sorted(), ["a", "b"], "assets with a latest materialization")
        try expectRecords(latest["a"].map { [$0] } ?? [], [second[1]], "latest materialization of a")
        try expectRecords(latest["b"].map { [$0] } ?? [], [first[1]], "latest materialization of b")
        try expectEqual(try await storage.latestMaterializations(of: []).count, 0, "latest materializations of no keys")
        let repeated = try await storage.latestMaterializations(of: ["b", "b"])
        try expectRecords(repeated["b"].map { [$0] } ?? [], [first[1]], "latest materialization of b, asked twice")
        try expectEqual(repeated.count, 1, "number of entries for the keys [b, b]")
    }

    private static func latestOfManyKeys(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let materialized = (0..<50).map { AssetKey(path: ["many", "asset_\($0 * 800)"]) }
        let records = try await storage.append(
            materialized.map { Event(.assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: $0) })
        let keys = (0..<40_000).map { AssetKey(path: ["many", "asset_\($0)"]) }
        let latest = try await storage.latestMaterializations(of: keys)
        try expectEqual(latest.count, materialized.count, "number of latest materializations among 40,000 keys")
        for record in records {
            guard let key = record.event.assetKey else { continue }
            try expectEqual(latest[key]?.id, record.id, "id of the latest materialization of \(key)")
        }
    }

    private static func materializations(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        var ofA: [EventRecord] = []
        var ofB: [EventRecord] = []
        for index in 0..<5 {
            let run: RunID = index.isMultiple(of: 2) ? "run-1" : "run-2"
            let records = try await storage.append([
                Event(.stepStart, runID: run, timestamp: time(Double(index)), stepKey: "a", assetKey: "a"),
                Event(
                    .assetMaterialization, runID: run, timestamp: time(Double(index)), assetKey: "a",
                    metadata: ["index": .int(index)]),
                Event(.assetMaterialization, runID: run, timestamp: time(Double(index)), assetKey: "b"),
            ])
            ofA.append(records[1])
            ofB.append(records[2])
        }
        let newestA = Array(ofA.reversed())
        try expectRecords(
            try await storage.materializations(of: "a", before: nil, limit: 10), newestA, "materializations of a")
        try expectRecords(
            try await storage.materializations(of: "a", before: nil, limit: 2), Array(newestA.prefix(2)),
            "newest 2 materializations of a")
        try expectRecords(
            try await storage.materializations(of: "a", before: newestA[1].id, limit: 2), Array(newestA[2..<4]),
            "2 materializations of a before its second newest")
        try expectRecords(
            try await storage.materializations(of: "a", before: ofB[2].id, limit: 10), Array(ofA.prefix(3).reversed()),
            "materializations of a before the third of b")
        try expectRecords(
            try await storage.materializations(of: "a", before: ofA[0].id, limit: 10), [],
            "materializations of a before its first")
        try expectRecords(
            try await storage.materializations(of: "b", before: nil, limit: 10), ofB.reversed(), "materializations of b"
        )
        try expectRecords(
            try await storage.materializations(of: "c", before: nil, limit: 10), [],
            "materializations of an unknown asset")
    }
}

// MARK: - Round trips

extension StorageConformance {
    private static func eventFields(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        // An event that ends a run is its run's last, so each goes to a run of its own.
        func run(of type: EventType) -> RunID {
            type.runStatus?.isTerminal == true ? RunID("run-\(type.rawValue)") : "run-1"
        }
        for type in EventType.allCases where run(of: type) != "run-1" {
            try await storage.addRun(makeRun(run(of: type)))
        }
        let levels = LogLevel.allCases
        let events = EventType.allCases.enumerated().map { index, type in
            Event(
                type, runID: run(of: type), timestamp: time(Double(index) + 0.001 * Double(index)),
                stepKey: index.isMultiple(of: 2) ? nil : "step_\(index)",
                assetKey: index.isMultiple(of: 3) ? nil : AssetKey(path: ["asset_\(index)"]),
                level: levels[index % levels.count],
                message: index.isMultiple(of: 4) ? "" : "message \(index): ünïcödé ✓, 'quotes' \"too\"\nand a new line")
        }
        let records = try await storage.append(events)
        try expectRecords(
            try await storage.events(ofRun: "run-1", after: nil, limit: 100),
            records.filter { $0.event.runID == "run-1" },
            "events of every type that does not end a run")
        try expectRecords(
            try await storage.events(after: nil, types: Set(EventType.allCases), limit: 100), records,
            "events of every type, filtered by all types")
    }

    private static func metadataRoundTrip(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let metadata: Metadata = [
            "text": .text("hello, \"world\" ünïcödé 🌍\nsecond line\ttab \\ backslash"),
            "markdown": .markdown("# Title\n\n| a | b |\n| - | - |\n| 1 | 2 |"),
            "int": .int(-9_007_199_254_740_993),
            "int max": .int(Int.max),
            "float": .float(3.141592653589793),
            "tiny float": .float(-1.5e-300),
            "bool true": .bool(true),
            "bool false": .bool(false),
            "path": .path("/data/out put/file.parquet"),
            "url": .url("https://example.com/a?b=c&d=e#f"),
            "json": .json(
                .object([
                    "array": .array([.number(42), .string("x"), .null, .bool(false)]),
                    "nested": .object(["k": .number(2.5), "empty": .object([:])]),
                ])),
            "timestamp": .timestamp(Date(timeIntervalSince1970: 1_750_000_000.123)),
            "table_schema": .tableSchema(
                TableSchema(columns: [
                    .init(name: "id", type: "int"),
                    .init(name: "name", type: "string", description: "the customer's name"),
                ])),
        ]
        let error = ErrorInfo(
            type: "Weather.FetchError", message: "HTTP 503: \"unavailable\"",
            stack: ["fetch() at Fetch.swift:12", "main"])
        let materialization = Event(
            .assetMaterialization, runID: "run-1", timestamp: Date(timeIntervalSince1970: 1_750_000_001.456),
            stepKey: "weather__daily", assetKey: "weather/daily", level: .info, message: "materialized",
            metadata: metadata)
        let failure = Event(
            .stepFailure, runID: "run-1", timestamp: Date(timeIntervalSince1970: 1_750_000_002.789),
            stepKey: "weather__hourly", level: .error, message: "step failed", metadata: ["attempt": 2], error: error)
        let records = try await storage.append([materialization, failure])
        try expectRecords(try await storage.events(ofRun: "run-1", after: nil, limit: 10), records, "events of the run")
        try expectRecords(try await storage.events(after: nil, types: nil, limit: 10), records, "events of all runs")
        try expectRecords(
            try await storage.materializations(of: "weather/daily", before: nil, limit: 10), [records[0]],
            "materializations of weather/daily")
        try expectRecords(
            Array(try await storage.latestMaterializations(of: ["weather/daily"]).values), [records[0]],
            "latest materialization of weather/daily")
    }

    private static func concurrentAppends(_ storage: any InstanceStorage) async throws {
        let taskCount = 20
        let batchCount = 10
        let batchSize = 5
        let runIDs = (0..<taskCount).map { RunID("concurrent-\($0)") }
        for (index, id) in runIDs.enumerated() {
            try await storage.addRun(makeRun(id, createdAt: Double(index)))
        }
        let appended = try await withThrowingTaskGroup(of: [EventRecord].self) { group in
            for (task, runID) in runIDs.enumerated() {
                group.addTask {
                    var records: [EventRecord] = []
                    for batch in 0..<batchCount {
                        let events = (0..<batchSize).map { index in
                            let number = batch * batchSize + index
                            return Event(
                                .logs, runID: runID, timestamp: time(Double(number)),
                                message: "task \(task) event \(number)")
                        }
                        records += try await storage.append(events)
                    }
                    return records
                }
            }
            var all: [[EventRecord]] = []
            for try await records in group {
                all.append(records)
            }
            return all
        }
        let total = taskCount * batchCount * batchSize
        let ids = appended.flatMap { $0.map(\.id) }
        try expectEqual(Set(ids).count, total, "number of distinct ids returned by \(taskCount) concurrent tasks")
        for records in appended {
            let taskIDs = records.map(\.id)
            try expect(
                zip(taskIDs, taskIDs.dropFirst()).allSatisfy { $0 < $1 },
                "ids returned to one task are not increasing: \(taskIDs)")
        }
        let stored = try await storage.events(after: nil, types: nil, limit: total + 1)
        try expectEqual(stored.map(\.id), ids.sorted(), "ids of all stored events")
        for (task, runID) in runIDs.enumerated() {
            let messages = try await storage.events(ofRun: runID, after: nil, limit: total).map(\.event.message)
            try expectEqual(
                messages, (0..<batchCount * batchSize).map { "task \(task) event \($0)" },
                "messages stored for run \(runID)")
        }
    }

    private static func assetKeyPaths(_ storage: any InstanceStorage) async throws {
        let keys = [
            AssetKey(path: ["warehouse", "sales", "orders"]), AssetKey(path: ["orders"]),
            AssetKey(path: ["raw", "2024-01-01_part", "x-y"]),
        ]
        let run = makeRun("run-1", assetKeys: keys)
        try await storage.addRun(run)
        try expectEqual(
            try await storage.run("run-1")?.assetKeys.map(\.path), keys.map(\.path), "asset key paths of run-1")
        let records = try await storage.append(
            keys.map { Event(.assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: $0) })
        try expectEqual(
            try await storage.events(ofRun: "run-1", after: nil, limit: 10).map { $0.event.assetKey?.path },
            keys.map(\.path), "asset key paths of the stored events")
        let latest = try await storage.latestMaterializations(of: keys)
        try expectEqual(
            latest.keys.map(\.path).sorted { $0.lexicographicallyPrecedes($1) },
            keys.map(\.path).sorted { $0.lexicographicallyPrecedes($1) }, "asset key paths of latest materializations")
        for (key, record) in zip(keys, records) {
            try expectRecords(
                try await storage.materializations(of: key, before: nil, limit: 10), [record],
                "materializations of \(key)")
        }
        try expectRecords(
            try await storage.materializations(of: AssetKey(path: ["warehouse", "sales"]), before: nil, limit: 10), [],
            "materializations of a prefix of warehouse/sales/orders")
    }
}

// MARK: - Data versions, observations and checks

extension StorageConformance {
    private static func dataVersionsAndChecks(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let provenance = DataProvenance(
            codeVersion: "v3 ✓", inputDataVersions: ["weather/raw": "a1b2c3", "weather/stations": "", "x": "ünï \"q\""])
        let events = [
            Event(
                .assetMaterialization, runID: "run-1", timestamp: time(1), stepKey: "weather__daily",
                assetKey: "weather/daily", metadata: ["rows": 24], dataVersion: "sha256:0f1e", provenance: provenance),
            Event(
                .assetMaterialization, runID: "run-1", timestamp: time(2), assetKey: "weather/hourly",
                dataVersion: "", provenance: DataProvenance(codeVersion: nil, inputDataVersions: [:])),
            Event(.assetObservation, runID: "run-1", timestamp: time(3), assetKey: "weather/raw", dataVersion: "42"),
            Event(
                .assetCheckEvaluation, runID: "run-1", timestamp: time(4), stepKey: "weather__daily__sane",
                assetKey: "weather/daily", level: .error, message: "check failed", metadata: ["bad rows": 3],
                checkEvaluation: CheckEvaluation(
                    checkName: "no_impossible_temperatures", passed: false, severity: .error, blocking: true,
                    description: "3 rows above 140 °F: \"impossible\"\nsee below")),
            Event(
                .assetCheckEvaluation, runID: "run-1", timestamp: time(5), assetKey: "weather/daily", level: .warning,
                checkEvaluation: CheckEvaluation(checkName: "fresh", passed: true, severity: .warn, blocking: false)),
            Event(
                .stepFailure, runID: "run-1", timestamp: time(6), stepKey: "weather__daily", level: .error,
                error: ErrorInfo(type: "E", message: "m"), dataVersion: "on any event"),
            Event(.logs, runID: "run-1", timestamp: time(7), message: "nothing new"),
        ]
        let records = try await storage.append(events)
        try expectEqual(records.count, events.count, "number of records returned")
        for (record, event) in zip(records, events) {
            try expectEvent(record.event, event, "event returned by append")
        }
        try expectRecords(try await storage.events(ofRun: "run-1", after: nil, limit: 100), records, "events of run-1")
        try expectRecords(try await storage.events(after: nil, types: nil, limit: 100), records, "events of all runs")
        try expectRecords(
            try await storage.materializations(of: "weather/daily", before: nil, limit: 10), [records[0]],
            "materializations of weather/daily")
        try expectRecords(
            try await storage.latestMaterializations(of: ["weather/daily", "weather/hourly"]).values.sorted {
                $0.id < $1.id
            },
            [records[0], records[1]], "latest materializations")
        try expectRecords(
            Array(try await storage.latestObservations(of: ["weather/raw"]).values), [records[2]],
            "latest observation of weather/raw")
        let latestChecks = try await storage.latestCheckEvaluations(of: ["weather/daily"])
        try expectRecords(
            latestChecks.values.sorted { $0.id < $1.id }, [records[3], records[4]],
            "latest check evaluations of weather/daily")
        try expectRecords(
            try await storage.checkEvaluations(
                of: CheckKey(assetKey: "weather/daily", name: "no_impossible_temperatures"), before: nil, limit: 10),
            [records[3]], "evaluations of weather/daily:no_impossible_temperatures")
    }

    private static func newEventTypes(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let newTypes: [EventType] = [.stepUpForRetry, .stepRestarted, .assetObservation, .assetCheckEvaluation]
        let records = try await storage.append([
            Event(.stepStart, runID: "run-1", timestamp: time(1), stepKey: "a"),
            Event(
                .stepUpForRetry, runID: "run-1", timestamp: time(2), stepKey: "a", level: .warning,
                message: "attempt 1 of 3 failed; retrying in 2.5 s", metadata: ["attempt": 1, "delay": 2.5],
                error: ErrorInfo(type: "Fetch.Timeout", message: "timed out", stack: ["fetch()"])),
            Event(.stepRestarted, runID: "run-1", timestamp: time(4.5), stepKey: "a", metadata: ["attempt": 2]),
            Event(.assetObservation, runID: "run-1", timestamp: time(5), stepKey: "a", assetKey: "a", dataVersion: "7"),
            Event(
                .assetCheckEvaluation, runID: "run-1", timestamp: time(6), stepKey: "a", assetKey: "a",
                checkEvaluation: CheckEvaluation(checkName: "c", passed: true, severity: .warn, blocking: false)),
            Event(.stepSuccess, runID: "run-1", timestamp: time(7), stepKey: "a"),
        ])
        try expectEqual(
            records.map(\.event.type),
            [.stepStart, .stepUpForRetry, .stepRestarted, .assetObservation, .assetCheckEvaluation, .stepSuccess],
            "types of the appended events")
        try expectRecords(
            try await storage.events(ofRun: "run-1", after: nil, limit: 100), records, "events of run-1")
        for type in newTypes {
            try expectRecords(
                try await storage.events(after: nil, types: [type], limit: 100),
                records.filter { $0.event.type == type }, "events of type \(type.rawValue)")
        }
        try expectRecords(
            try await storage.events(after: nil, types: Set(newTypes), limit: 100),
            records.filter { newTypes.contains($0.event.type) }, "events of the four new types")
        try expectRecords(
            try await storage.events(after: records[2].id, types: [.stepUpForRetry, .stepRestarted], limit: 100), [],
            "retry events after the restart")
        try expectEqual(
            try await storage.run("run-1")?.status, .notStarted, "status of a run after step retry events only")
    }

    private static func latestObservation(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        let first = try await storage.append([
            Event(.assetObservation, runID: "run-1", timestamp: time(1), assetKey: "a", dataVersion: "a1"),
            Event(.assetObservation, runID: "run-1", timestamp: time(2), assetKey: "b", dataVersion: "b1"),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(3), assetKey: "c", dataVersion: "c1"),
            Event(.assetObservation, runID: "run-1", timestamp: time(4), dataVersion: "no asset"),
        ])
        let second = try await storage.append([
            Event(.assetObservation, runID: "run-2", timestamp: time(5), assetKey: "a", dataVersion: "a2"),
            Event(.assetMaterialization, runID: "run-2", timestamp: time(6), assetKey: "a", dataVersion: "a3"),
            Event(.assetObservation, runID: "run-2", timestamp: time(7), assetKey: "a", dataVersion: "a4"),
        ])
        let latest = try await storage.latestObservations(of: ["a", "b", "c", "d"])
        try expectEqual(latest.keys.sorted(), ["a", "b"], "assets with a latest observation")
        try expectRecords(latest["a"].map { [$0] } ?? [], [second[2]], "latest observation of a")
        try expectRecords(latest["b"].map { [$0] } ?? [], [first[1]], "latest observation of b")
        let materialized = try await storage.latestMaterializations(of: ["a", "b", "c"])
        try expectEqual(materialized.keys.sorted(), ["a", "c"], "assets with a latest materialization")
        try expectRecords(
            materialized["a"].map { [$0] } ?? [], [second[1]], "latest materialization of a, observed since")
        try expectRecords(materialized["c"].map { [$0] } ?? [], [first[2]], "latest materialization of c")
        try expectEqual(try await storage.latestObservations(of: []).count, 0, "latest observations of no keys")
        let repeated = try await storage.latestObservations(of: ["b", "b"])
        try expectEqual(repeated.count, 1, "number of latest observations for the keys [b, b]")
        try expectRecords(repeated["b"].map { [$0] } ?? [], [first[1]], "latest observation of b, asked twice")
        try expectEqual(
            try await storage.latestObservations(of: [AssetKey(path: ["a", "b"])]).count, 0,
            "latest observations of a/b, whose components are observed assets")
    }

    private static func latestCheckEvaluation(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        func evaluation(
            _ run: RunID, _ asset: AssetKey?, _ name: String, passed: Bool, at seconds: Double,
            _ type: EventType = .assetCheckEvaluation
        ) -> Event {
            Event(
                type, runID: run, timestamp: time(seconds), assetKey: asset,
                checkEvaluation: CheckEvaluation(
                    checkName: name, passed: passed, severity: passed ? .warn : .error, blocking: !passed,
                    description: "\(asset?.description ?? "-"):\(name) at \(seconds)"))
        }
        let first = try await storage.append([
            evaluation("run-1", "a", "not_null", passed: true, at: 1),
            evaluation("run-1", "a", "unique", passed: false, at: 2),
            evaluation("run-1", "b", "not_null", passed: false, at: 3),
            evaluation("run-1", "wh/orders", "fresh", passed: true, at: 4),
            evaluation("run-1", "a", "not_null", passed: false, at: 5),
        ])
        let second = try await storage.append([
            evaluation("run-2", "b", "not_null", passed: true, at: 6),
            evaluation("run-2", nil, "not_null", passed: false, at: 7),
            evaluation("run-2", "a", "unique", passed: true, at: 8),
            Event(.assetCheckEvaluation, runID: "run-2", timestamp: time(9), assetKey: "c", message: "no result"),
            evaluation("run-2", "a", "row_count", passed: true, at: 10),
            evaluation("run-2", "a", "unique", passed: false, at: 11, .stepFailure),
        ])
        let latest = try await storage.latestCheckEvaluations(of: ["a", "b", "c", "wh/orders", "missing"])
        let expected: [(CheckKey, EventRecord)] = [
            (CheckKey(assetKey: "a", name: "not_null"), first[4]),
            (CheckKey(assetKey: "a", name: "row_count"), second[4]),
            (CheckKey(assetKey: "a", name: "unique"), second[2]),
            (CheckKey(assetKey: "b", name: "not_null"), second[0]),
            (CheckKey(assetKey: "wh/orders", name: "fresh"), first[3]),
        ]
        try expectEqual(
            latest.keys.map(\.description).sorted(), expected.map(\.0.description),
            "checks with a latest evaluation")
        for (check, record) in expected {
            try expectRecords(latest[check].map { [$0] } ?? [], [record], "latest evaluation of \(check)")
        }
        let ofA = try await storage.latestCheckEvaluations(of: ["a"])
        try expectEqual(
            ofA.keys.map(\.description).sorted(), ["a:not_null", "a:row_count", "a:unique"],
            "checks of a with a latest evaluation")
        let ofB = try await storage.latestCheckEvaluations(of: ["b", "b"])
        try expectEqual(ofB.keys.map(\.description), ["b:not_null"], "checks of b, asked twice")
        try expectRecords(Array(ofB.values), [second[0]], "latest evaluation of b:not_null, asked twice")
        try expectEqual(try await storage.latestCheckEvaluations(of: []).count, 0, "latest evaluations of no keys")
        try expectEqual(
            try await storage.latestCheckEvaluations(of: ["c", "wh"]).count, 0,
            "latest evaluations of c (evaluated without a result) and wh (a prefix of wh/orders)")
    }

    private static func checkEvaluations(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        let checks = [
            CheckKey(assetKey: "a", name: "c1"), CheckKey(assetKey: "a", name: "c10"),
            CheckKey(assetKey: "b", name: "c1"), CheckKey(assetKey: "a/b", name: "c1"),
        ]
        var of: [CheckKey: [EventRecord]] = [:]
        for index in 0..<6 {
            let run: RunID = index.isMultiple(of: 2) ? "run-1" : "run-2"
            let batch = checks.map { check in
                Event(
                    .assetCheckEvaluation, runID: run, timestamp: time(Double(index)), assetKey: check.assetKey,
                    metadata: ["index": .int(index)],
                    checkEvaluation: CheckEvaluation(
                        checkName: check.name, passed: index.isMultiple(of: 3), severity: .error, blocking: false))
            }
            let records = try await storage.append(
                [Event(.stepStart, runID: run, timestamp: time(Double(index)), stepKey: "a", assetKey: "a")] + batch
                    + [
                        Event(
                            .assetMaterialization, runID: run, timestamp: time(Double(index)), assetKey: "a",
                            checkEvaluation: CheckEvaluation(
                                checkName: "c1", passed: true, severity: .warn, blocking: false))
                    ])
            for (check, record) in zip(checks, records.dropFirst()) {
                of[check, default: []].append(record)
            }
        }
        for check in checks {
            let newest = Array((of[check] ?? []).reversed())
            try expectRecords(
                try await storage.checkEvaluations(of: check, before: nil, limit: 100), newest,
                "evaluations of \(check)")
        }
        let together = try await storage.checkEvaluations(
            of: checks + [checks[0], CheckKey(assetKey: "a", name: "never_evaluated")], limit: 4)
        try expectEqual(
            Set(together.keys), Set(checks), "the checks with evaluations among several read at once, one asked twice")
        for check in checks {
            try expectRecords(
                together[check] ?? [], Array((of[check] ?? []).reversed().prefix(4)),
                "the newest 4 evaluations of \(check), read with the others")
        }
        try expectEqual(
            try await storage.checkEvaluations(of: checks, limit: 0).count, 0, "evaluations of several, limit 0")
        let c1 = CheckKey(assetKey: "a", name: "c1")
        let newest = Array((of[c1] ?? []).reversed())
        try expectRecords(
            try await storage.checkEvaluations(of: c1, before: nil, limit: 2), Array(newest.prefix(2)),
            "newest 2 evaluations of a:c1")
        try expectRecords(
            try await storage.checkEvaluations(of: c1, before: newest[1].id, limit: 3), Array(newest[2..<5]),
            "3 evaluations of a:c1 before its second newest")
        let sameNameOnB = CheckKey(assetKey: "b", name: "c1")
        try expectRecords(
            try await storage.checkEvaluations(of: c1, before: of[sameNameOnB]![2].id, limit: 100),
            Array(of[c1]!.prefix(3).reversed()), "evaluations of a:c1 before the third of b:c1")
        try expectRecords(
            try await storage.checkEvaluations(of: c1, before: of[c1]![0].id, limit: 100), [],
            "evaluations of a:c1 before its first")
        try expectRecords(
            try await storage.checkEvaluations(of: c1, before: nil, limit: 0), [], "a page of limit 0")
        var paged: [EventRecord] = []
        var cursor: Int64?
        while true {
            let page = try await storage.checkEvaluations(of: c1, before: cursor, limit: 4)
            guard let last = page.last else { break }
            try expect(page.count <= 4, "a page of limit 4 returned \(page.count) evaluations")
            paged += page
            cursor = last.id
        }
        try expectRecords(paged, newest, "evaluations of a:c1 read in pages of 4")
        for missing in [
            CheckKey(assetKey: "a", name: "c"), CheckKey(assetKey: "a", name: "C1"),
            CheckKey(assetKey: "c", name: "c1"),
            CheckKey(assetKey: "a", name: "c1%"), CheckKey(assetKey: "a", name: ""),
        ] {
            try expectRecords(
                try await storage.checkEvaluations(of: missing, before: nil, limit: 100), [],
                "evaluations of the unknown check \(missing)")
        }
    }

    private static func failedAppendKeepsIndexes(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let kept = try await storage.append([
            Event(.assetObservation, runID: "run-1", timestamp: time(1), assetKey: "a", dataVersion: "1"),
            Event(
                .assetCheckEvaluation, runID: "run-1", timestamp: time(2), assetKey: "a",
                checkEvaluation: CheckEvaluation(checkName: "c", passed: true, severity: .error, blocking: true)),
        ])
        try await expectThrows(.unknownRun("ghost"), "appending a batch with an event of run ghost after valid ones") {
            try await storage.append([
                Event(.assetObservation, runID: "run-1", timestamp: time(3), assetKey: "a", dataVersion: "2"),
                Event(.assetObservation, runID: "run-1", timestamp: time(3), assetKey: "b", dataVersion: "2"),
                Event(
                    .assetCheckEvaluation, runID: "run-1", timestamp: time(4), assetKey: "a",
                    checkEvaluation: CheckEvaluation(checkName: "c", passed: false, severity: .error, blocking: true)),
                Event(
                    .assetCheckEvaluation, runID: "run-1", timestamp: time(4), assetKey: "b",
                    checkEvaluation: CheckEvaluation(checkName: "c", passed: false, severity: .error, blocking: true)),
                Event(.logs, runID: "ghost", timestamp: time(5)),
            ])
        }
        let observations = try await storage.latestObservations(of: ["a", "b"])
        try expectEqual(observations.keys.sorted(), ["a"], "observed assets after the failed append")
        try expectRecords(observations["a"].map { [$0] } ?? [], [kept[0]], "latest observation of a")
        let evaluations = try await storage.latestCheckEvaluations(of: ["a", "b"])
        try expectEqual(evaluations.keys.map(\.description), ["a:c"], "evaluated checks after the failed append")
        try expectRecords(Array(evaluations.values), [kept[1]], "latest evaluation of a:c")
        try expectRecords(
            try await storage.checkEvaluations(of: CheckKey(assetKey: "a", name: "c"), before: nil, limit: 10),
            [kept[1]], "evaluations of a:c after the failed append")
    }

    private static func latestObservationsAndChecksOfManyKeys(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let touched = (0..<50).map { AssetKey(path: ["many", "asset_\($0 * 800 + 7)"]) }
        var events: [Event] = []
        for key in touched {
            events.append(Event(.assetObservation, runID: "run-1", timestamp: time(1), assetKey: key, dataVersion: "v"))
            for name in ["first", "second"] {
                events.append(
                    Event(
                        .assetCheckEvaluation, runID: "run-1", timestamp: time(2), assetKey: key,
                        checkEvaluation: CheckEvaluation(
                            checkName: name, passed: true, severity: .warn, blocking: false)))
            }
        }
        let records = try await storage.append(events)
        let keys = (0..<40_000).map { AssetKey(path: ["many", "asset_\($0)"]) }
        let observations = try await storage.latestObservations(of: keys)
        let evaluations = try await storage.latestCheckEvaluations(of: keys)
        try expectEqual(observations.count, touched.count, "number of latest observations among 40,000 keys")
        try expectEqual(evaluations.count, touched.count * 2, "number of latest check evaluations among 40,000 keys")
        for record in records {
            guard let key = record.event.assetKey else { continue }
            if let name = record.event.checkEvaluation?.checkName {
                let check = CheckKey(assetKey: key, name: name)
                try expectEqual(evaluations[check]?.id, record.id, "id of the latest evaluation of \(check)")
            } else {
                try expectEqual(observations[key]?.id, record.id, "id of the latest observation of \(key)")
            }
        }
    }
}

// MARK: - Helpers

extension StorageConformance {
    /// A fixed instant with a fraction of a second, so lost precision shows.
    private static func runCounts(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.runCounts(), [], "counts of no run")
        try await storage.addRun(makeRun("q-1", status: .queued, createdAt: 5))
        try await storage.addRun(makeRun("q-2", status: .queued, createdAt: 3))
        try await storage.addRun(makeRun("q-3", jobName: "etl", status: .queued, createdAt: 9))
        try await storage.addRun(makeRun("s-1", jobName: "etl", status: .queued, createdAt: 1))
        try await storage.append([Event(.runStart, runID: "s-1"), Event(.runSuccess, runID: "s-1")])
        let counts = try await storage.runCounts().sorted {
            ($0.jobName, $0.status.rawValue) < ($1.jobName, $1.status.rawValue)
        }
        try expectEqual(
            counts.map { "\($0.jobName) \($0.status.rawValue) \($0.count)" },
            ["\(Run.assetJobName) QUEUED 2", "etl QUEUED 1", "etl SUCCESS 1"], "counts by job and status")
        try expectInstant(counts.first?.oldestCreatedAt, time(3), "creation of the oldest queued run of the asset job")
    }

    static func time(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: 1_750_000_000.25 + seconds)
    }

    static func makeRun(
        _ id: RunID, jobName: String = Run.assetJobName, status: RunStatus = .notStarted,
        tags: [String: String] = [:], assetKeys: [AssetKey] = ["a"], createdAt: Double = 0
    ) -> Run {
        Run(id: id, jobName: jobName, assetKeys: assetKeys, tags: tags, status: status, createdAt: time(createdAt))
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Mismatch(message: message()) }
    }

    static func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
        try expect(actual == expected, "\(what): expected \(expected), got \(actual)")
    }

    static func expectIDs(_ runs: [Run], _ expected: [RunID], _ what: String) throws {
        try expectEqual(runs.map(\.id), expected, "ids of \(what)")
    }

    static func expectThrows(
        _ expected: StorageError, _ what: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as StorageError {
            try expectEqual(error, expected, "error from \(what)")
            return
        }
        throw Mismatch(message: "\(what) did not throw; expected \(expected)")
    }

    /// Two instants are the same when they differ by less than a millisecond.
    static func sameInstant(_ lhs: Date?, _ rhs: Date?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): abs(lhs.timeIntervalSince(rhs)) < 0.001
        default: false
        }
    }

    static func expectInstant(_ actual: Date?, _ expected: Date?, _ what: String) throws {
        try expect(sameInstant(actual, expected), "\(what): expected \(describe(expected)), got \(describe(actual))")
    }

    /// An instant with its fraction of a second, or `nil`.
    static func describe(_ date: Date?) -> String {
        date.map { Date.ISO8601FormatStyle(includingFractionalSeconds: true).format($0) } ?? "nil"
    }

    static func expectRun(_ actual: Run?, _ expected: Run, _ what: String) throws {
        guard let actual else { throw Mismatch(message: "\(what): expected run \(expected.id), got nil") }
        try expectEqual(actual.id, expected.id, "\(what): id")
        try expectEqual(actual.jobName, expected.jobName, "\(what): jobName")
        try expectEqual(actual.selection, expected.selection, "\(what): selection")
        try expectEqual(actual.assetKeys, expected.assetKeys, "\(what): assetKeys")
        try expectEqual(actual.tags, expected.tags, "\(what): tags")
        try expectEqual(actual.status, expected.status, "\(what): status")
        try expectInstant(actual.createdAt, expected.createdAt, "\(what): createdAt")
        try expectInstant(actual.startedAt, expected.startedAt, "\(what): startedAt")
        try expectInstant(actual.endedAt, expected.endedAt, "\(what): endedAt")
        try expectEqual(actual.runConfig, expected.runConfig, "\(what): runConfig")
        try expectEqual(actual.parentRunID, expected.parentRunID, "\(what): parentRunID")
        try expectEqual(actual.rootRunID, expected.rootRunID, "\(what): rootRunID")
    }

    static func expectRecords(_ actual: [EventRecord], _ expected: [EventRecord], _ what: String) throws {
        try expectEqual(actual.map(\.id), expected.map(\.id), "ids of \(what)")
        for (actual, expected) in zip(actual, expected) {
            try expectEvent(actual.event, expected.event, "\(what), event \(expected.id)")
        }
    }

    static func expectEvent(_ actual: Event, _ expected: Event, _ what: String) throws {
        try expectEqual(actual.type, expected.type, "\(what): type")
        try expectEqual(actual.runID, expected.runID, "\(what): runID")
        try expectInstant(actual.timestamp, expected.timestamp, "\(what): timestamp")
        try expectEqual(actual.stepKey, expected.stepKey, "\(what): stepKey")
        try expectEqual(actual.assetKey, expected.assetKey, "\(what): assetKey")
        try expectEqual(actual.partition, expected.partition, "\(what): partition")
        try expectEqual(actual.level, expected.level, "\(what): level")
        try expectEqual(actual.message, expected.message, "\(what): message")
        try expectEqual(actual.error, expected.error, "\(what): error")
        try expectEqual(actual.dataVersion, expected.dataVersion, "\(what): dataVersion")
        try expectEqual(actual.provenance, expected.provenance, "\(what): provenance")
        try expectEqual(actual.checkEvaluation, expected.checkEvaluation, "\(what): checkEvaluation")
        try expectEqual(actual.metadata.map(\.label), expected.metadata.map(\.label), "\(what): metadata labels")
        for ((label, actualValue), (_, expectedValue)) in zip(actual.metadata, expected.metadata) {
            if case .timestamp(let actualDate) = actualValue, case .timestamp(let expectedDate) = expectedValue {
                try expectInstant(actualDate, expectedDate, "\(what): metadata '\(label)'")
            } else {
                try expectEqual(actualValue, expectedValue, "\(what): metadata '\(label)'")
            }
        }
    }
}

import Cairn
import CairnDaemon
import Foundation

/// What the web UI and the GraphQL API can change: launch and re-execute runs, terminate them,
/// launch and cancel backfills, start and stop schedules and sensors, add and delete dynamic
/// partitions. Runs are queued for the daemon's run queue, whose doorbell is rung.
public struct InstanceOperations: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions
    /// Where runs, events and states are stored.
    public let storage: any InstanceStorage
    /// Rung after a run is queued, so the run queue of this process launches it at once.
    public let doorbell: RunQueueDoorbell?
    /// The current time, for schedules restarted and backfills launched.
    public let now: @Sendable () -> Date

    /// Creates the operations over one code location and its storage.
    public init(
        definitions: Definitions, storage: any InstanceStorage, doorbell: RunQueueDoorbell? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.definitions = definitions
        self.storage = storage
        self.doorbell = doorbell
        self.now = now
    }

    /// Queues a run of a selection or a job, validated first (see `Definitions.queueRun`).
    public func launchRun(
        _ target: Schedule.Target, partition: PartitionKey? = nil, staleOrMissingOnly: Bool = false,
        tags: [String: String] = [:], runConfig: RunConfig = .empty
    ) async throws -> Run {
        var tags = tags
        tags["cairn/launched_by"] = "web"
        let run = try await definitions.queueRun(
            target, partition: partition, staleOrMissingOnly: staleOrMissingOnly, tags: tags, runConfig: runConfig,
            storage: storage, now: now())
        doorbell?.ring()
        return run
    }

    /// The run `launchRun` would queue, after the same checks, without queueing it.
    public func validateRun(
        _ target: Schedule.Target, partition: PartitionKey? = nil, tags: [String: String] = [:],
        runConfig: RunConfig = .empty
    ) async throws -> Run {
        try await definitions.validatedRun(
            target, partition: partition, tags: tags, runConfig: runConfig, storage: storage, now: now())
    }

    /// Queues a re-execution of an ended run: all of its steps, or only those that did not succeed.
    ///
    /// - Throws: `ReexecutionError` when the run is unknown, still running or has nothing to re-execute.
    public func reexecute(_ id: RunID, fromFailure: Bool) async throws -> Run {
        let run = try await definitions.queueReexecution(
            of: id, fromFailure: fromFailure, storage: storage, tags: ["cairn/launched_by": "web"])
        doorbell?.ring()
        return run
    }

    /// Stops a run: a queued run is canceled at once; a running one is marked CANCELING, which its
    /// worker reads at its next heartbeat and cancels the run. An ended run is left as it is.
    ///
    /// - Returns: the run after the request.
    /// - Throws: `OperationError.unknownRun`.
    public func terminate(_ id: RunID) async throws -> Run {
        guard let (run, _) = try await storage.requestTermination(of: id, by: "the web UI") else {
            throw OperationError.unknownRun(id)
        }
        return run
    }

    /// Stores a backfill of the partitions of a selection, for the daemon's backfill service to launch.
    ///
    /// - Parameter partitions: `all`, `missing`, `failed`, a key, `FIRST...LAST`, or keys separated by commas.
    public func launchBackfill(_ selection: String, partitions: String, tags: [String: String] = [:])
        async throws -> Backfill
    {
        try await definitions.launchBackfill(
            selection, partitions: PartitionSelection(parsing: partitions), storage: storage, tags: tags, now: now())
    }

    /// Cancels a backfill: its queued runs are canceled, running ones finish.
    public func cancelBackfill(_ id: BackfillID) async throws -> Backfill {
        try await BackfillDriver(definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager())
            .cancel(id)
    }

    /// Resumes an ended backfill: a new backfill of the same assets over the partitions whose runs
    /// did not succeed, tagged with the backfill it resumes.
    ///
    /// - Throws: `OperationError.unknownBackfill`, `OperationError.backfillInProgress`, or
    ///   `OperationError.nothingToResume` when every run succeeded.
    public func resumeBackfill(_ id: BackfillID) async throws -> Backfill {
        guard let backfill = try await storage.backfill(id) else { throw OperationError.unknownBackfill(id) }
        guard backfill.status.isTerminal else { throw OperationError.backfillInProgress(id) }
        var space: PartitionSpace?
        if let key = backfill.assetKeys.first, let partitions = try definitions.assetGraph[key]?.spec.partitions {
            space = try await PartitionSpace.resolve(partitions, now: now(), storage: storage)
        }
        var partitions: [String] = []
        for run in try await storage.runs(ofBackfill: id) where run.status != .success {
            guard let range = run.partitionRange else { continue }
            // A run of a range of partitions is resumed partition by partition.
            if let space, let first = space.position(of: range.start), let last = space.position(of: range.end) {
                partitions += (first.index...last.index).map {
                    space.key(at: PartitionPosition(slice: first.slice, index: $0)).rawValue
                }
            } else {
                partitions.append(range.start.rawValue)
            }
        }
        guard !partitions.isEmpty else { throw OperationError.nothingToResume(id) }
        var tags = backfill.tags
        tags["cairn/resumed_backfill"] = id.rawValue
        return try await launchBackfill(
            backfill.selection, partitions: partitions.sorted().joined(separator: ","), tags: tags)
    }

    /// Starts or stops a schedule, keeping its cursor; a started schedule's next tick is the first after now.
    ///
    /// - Throws: `OperationError.unknownSchedule`.
    public func setSchedule(_ name: String, running: Bool) async throws -> ScheduleStatus {
        guard let schedule = definitions.schedules.first(where: { $0.name == name }) else {
            throw OperationError.unknownSchedule(name, known: definitions.schedules.map(\.name))
        }
        let status: ScheduleStatus = running ? .running : .stopped
        try await storage.setStatus(
            status, of: schedule.name, default: schedule.defaultStatus, restartingTicksAt: now())
        return status
    }

    /// Starts or stops a sensor, keeping its cursor.
    ///
    /// - Throws: `OperationError.unknownSensor`.
    public func setSensor(_ name: String, running: Bool) async throws -> ScheduleStatus {
        guard let sensor = definitions.sensors.first(where: { $0.name == name }) else {
            throw OperationError.unknownSensor(name, known: definitions.sensors.map(\.name))
        }
        let status: ScheduleStatus = running ? .running : .stopped
        try await storage.setStatus(
            status, of: sensor.storageName, default: sensor.defaultStatus, restartingTicksAt: nil)
        return status
    }

    /// Adds keys to a dynamic partitions definition; returns how many were new.
    public func addDynamicPartitions(_ keys: [String], to name: String) async throws -> Int {
        try await storage.addDynamicPartitions(try dynamicKeys(keys, of: name), to: name)
    }

    /// Deletes keys of a dynamic partitions definition; returns how many existed.
    public func deleteDynamicPartitions(_ keys: [String], from name: String) async throws -> Int {
        try await storage.deleteDynamicPartitions(try dynamicKeys(keys, of: name), from: name)
    }

    /// The names of the dynamic partitions definitions of the code location's assets.
    public var dynamicPartitionsNames: [String] {
        let names = definitions.assets.flatMap(\.specs).compactMap(\.partitions).flatMap(\.dynamicNames)
        return Array(Set(names)).sorted()
    }

    private func dynamicKeys(_ keys: [String], of name: String) throws -> [PartitionKey] {
        guard dynamicPartitionsNames.contains(name) else {
            throw OperationError.unknownDynamicPartitions(name, known: dynamicPartitionsNames)
        }
        let trimmed = keys.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !trimmed.isEmpty else { throw OperationError.noPartitionKeys }
        return trimmed.map(PartitionKey.init)
    }
}

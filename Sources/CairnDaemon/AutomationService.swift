import Cairn
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The declarative automation daemon: every interval, evaluates the automation conditions of the
/// assets from the events stored since the previous tick, and creates the runs they request,
/// queued for the run coordinator to launch.
///
/// A tick's cursor, evaluations and runs are stored in one transaction, and only if the stored
/// cursor is still the one the tick started from, so several daemons on one storage never
/// request twice for one tick: the one that loses reads the stored cursor and evaluates again.
///
/// ```swift
/// let automation = try AutomationService(definitions: definitions, storage: storage)
/// try await ServiceGroup(services: [automation], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct AutomationService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "automation" }

    /// The evaluator of the code location's conditions.
    public let evaluator: AutomationEvaluator
    /// Where the cursor, evaluations and runs are stored, and what conditions read.
    public let storage: any AutomationEvaluator.Storage
    /// How long to wait between two ticks.
    public let interval: Duration
    /// What the service waits on between two ticks.
    public let clock: any Clock<Duration>
    /// The current time, which cron ticks and time windows are measured with.
    public let now: @Sendable () -> Date
    /// Where the service records its heartbeat after each tick; `nil` records none.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The leases that keep the service's rounds to one daemon at a time, when several share the storage.
    public let leases: ServiceLeases?
    /// What the service rings when it has queued runs, to wake the run queue at once; `nil` rings nothing.
    public let doorbell: RunQueueDoorbell?
    /// The cursor of the last tick this service stored, so the next one need not read it.
    private let cursor = CursorCache()
    private let logger: Logger

    /// Creates the service.
    ///
    /// - Throws: `DefinitionsError` when the definitions are invalid.
    public init(
        definitions: Definitions, storage: any AutomationEvaluator.Storage, interval: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        heartbeats: DaemonHeartbeatRecorder? = nil, leases: ServiceLeases? = nil, doorbell: RunQueueDoorbell? = nil,
        logger: Logger = Logger(label: "cairn.daemon.automation")
    ) throws(DefinitionsError) {
        evaluator = try AutomationEvaluator(definitions: definitions)
        self.storage = storage
        self.interval = interval
        self.clock = clock
        self.now = now
        self.heartbeats = heartbeats
        self.leases = leases
        self.doorbell = doorbell
        self.logger = logger
    }

    /// Evaluates a tick every interval until the service group shuts down, recording a heartbeat
    /// after each; an error of one tick is logged and the next happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, leases: leases, logger: logger,
            failure: "The automation conditions could not be evaluated"
        ) {
            _ = try await self.evaluateTick()
        }
    }

    /// Evaluates one tick and stores it.
    ///
    /// - Returns: the tick's result, or `nil` when another process stored a tick from the same
    ///   cursor first (nothing was stored; the next tick starts from the stored cursor).
    @discardableResult
    public func evaluateTick() async throws -> AutomationResult? {
        let start: AutomationCursor
        if let cached = cursor.value {
            start = cached
        } else {
            start = try await storage.automationCursor()
        }
        let result = try await evaluator.evaluate(cursor: start, storage: storage, now: now())
        guard try await storage.storeAutomationTick(result.tick) else {
            cursor.set(nil)
            logger.debug("Another daemon stored automation tick \(start.evaluationID + 1) first")
            return nil
        }
        cursor.set(result.tick.cursor)
        if !result.tick.runs.isEmpty { doorbell?.ring() }
        for run in result.tick.runs {
            let assets = run.assetKeys.map(\.description).joined(separator: ", ")
            logger.info("Automation queued run \(run.id) for \(assets)")
        }
        return result
    }

    /// The cursor kept between ticks.
    private final class CursorCache: Sendable {
        private let stored = Mutex<AutomationCursor?>(nil)

        /// The cursor of the last tick stored, or `nil` to read it from storage.
        var value: AutomationCursor? { stored.withLock { $0 } }

        /// Keeps `cursor` for the next tick.
        func set(_ cursor: AutomationCursor?) { stored.withLock { $0 = cursor } }
    }
}

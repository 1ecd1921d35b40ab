/// Everything a code location defines: its assets, their checks, and the defaults of how they run.
///
/// The definitions are validated when created; `assetGraph` returns the graph or throws every
/// problem found, each with the place in the code where it was written.
///
/// ```swift
/// let definitions = Definitions(assets: [samples, dailyHighs, hottest])
/// let graph = try definitions.assetGraph
/// ```
public struct Definitions: Sendable {
    /// All asset definitions, in the order given.
    public let assets: [AssetsDefinition]
    /// The asset checks that run as steps of their own.
    public let checks: [AssetCheck]
    /// The op jobs.
    public let jobs: [Job]
    /// The schedules that run assets and jobs on cron ticks.
    public let schedules: [Schedule]
    /// The sensors that request runs when something changes.
    public let sensors: [Sensor]
    /// How failed steps are retried when their definitions name no policy; `nil`: never.
    public let retryPolicy: RetryPolicy?
    /// The resources assets and checks use, per environment.
    public let resources: ResourceSet
    /// The IO manager for assets that name none; `nil` lets the runner choose (JSON files for
    /// persistent runs, memory for in-process tests).
    public let ioManager: (any IOManager)?

    private let validation: Result<AssetGraph, DefinitionsError>

    /// Creates definitions from assets, source assets, multi-assets and arrays of them.
    public init(
        assets: [any AssetsDefinitionConvertible] = [],
        checks: [AssetCheck] = [],
        jobs: [Job] = [],
        schedules: [Schedule] = [],
        sensors: [Sensor] = [],
        resources: ResourceSet = [],
        ioManager: (any IOManager)? = nil,
        retryPolicy: RetryPolicy? = nil
    ) {
        let definitions = assets.flatMap(\.assetsDefinitions)
        self.assets = definitions
        let checks = checks + assets.flatMap(\.assetChecks)
        self.checks = checks
        self.jobs = jobs
        self.schedules = schedules
        self.sensors = sensors
        self.ioManager = ioManager
        self.retryPolicy = retryPolicy
        self.resources = resources
        let otherProblems =
            Self.problems(of: jobs) + Self.resourceProblems(definitions, checks, jobs, resources)
            + Self.problems(of: schedules, jobs: jobs) + Self.problems(of: sensors, schedules: schedules, jobs: jobs)
            + Self.automationProblems(of: definitions)
            + Self.poolProblems(definitions, jobs)
        self.validation = Result { () throws(DefinitionsError) in
            let graph: AssetGraph
            do throws(DefinitionsError) {
                graph = try AssetGraph(definitions, checks: checks)
            } catch {
                throw DefinitionsError(problems: error.problems + otherProblems)
            }
            let allProblems =
                otherProblems + Self.selectionProblems(of: schedules, in: graph)
                + Self.selectionProblems(of: sensors, in: graph)
            guard allProblems.isEmpty else { throw DefinitionsError(problems: allProblems) }
            return graph
        }
    }

    /// The validated asset graph.
    ///
    /// - Throws: `DefinitionsError` listing duplicate keys, invalid names, unknown dependencies,
    ///   cycles, broken jobs, missing resources and broken schedules and sensors.
    public var assetGraph: AssetGraph {
        get throws(DefinitionsError) { try validation.get() }
    }
}

extension Definitions {
    /// The job with this name.
    ///
    /// - Throws: `JobError.unknownJob`, with the nearest name when one is close.
    public func job(named name: String) throws(JobError) -> Job {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw JobError.unknownJob(name, known: jobs.map(\.name))
        }
        return job
    }

    /// The schedule with this name.
    ///
    /// - Throws: `OperationError.unknownSchedule`, with the nearest name when one is close.
    public func schedule(named name: String) throws(OperationError) -> Schedule {
        guard let schedule = schedules.first(where: { $0.name == name }) else {
            throw .unknownSchedule(name, known: schedules.map(\.name))
        }
        return schedule
    }

    /// The sensor with this name.
    ///
    /// - Throws: `OperationError.unknownSensor`, with the nearest name when one is close.
    public func sensor(named name: String) throws(OperationError) -> Sensor {
        guard let sensor = sensors.first(where: { $0.name == name }) else {
            throw .unknownSensor(name, known: sensors.map(\.name))
        }
        return sensor
    }
}

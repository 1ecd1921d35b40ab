import ArgumentParser
import Cairn
import Foundation

/// `sensor`: list sensors, start and stop them, show their ticks, preview what they would request.
struct SensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor",
        abstract: "List, start, stop and preview sensors, and show their ticks.",
        discussion: """
            The daemon ('daemon' or 'dev') evaluates running sensors, each at most once per its \
            minimum interval. A sensor never started or stopped has the status its definition gives \
            (stopped unless defaultStatus: .running).
            """,
        subcommands: [
            ListSensorsCommand.self, StartSensorCommand.self, StopSensorCommand.self, SensorTicksCommand.self,
            PreviewSensorCommand.self,
        ])

    /// Starts or stops a sensor, keeping its cursor.
    static func set(_ name: String, running: Bool, options: HomeOptions) async throws {
        let operations = try await options.operations()
        let changed = try await catchingCairnErrors { try await operations.setSensor(name, running: running) }
        SchedulesAndSensors.report(changed: changed, running: running, noun: "sensor", name: name)
    }
}

/// `sensor list`: every sensor with its status, minimum interval, cursor and last outcome.
struct ListSensorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the sensors.")

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let sensors = CodeLocation.definitions.sensors
        guard !sensors.isEmpty else {
            print("The code location defines no sensors.")
            return
        }
        let storage = try await options.openStorage()
        var table = TextTable(header: ["SENSOR", "TARGET", "INTERVAL", "STATUS", "CURSOR", "LAST TICK"])
        for sensor in sensors {
            let state = try await storage.scheduleState(sensor.storageName)
            let last = try await storage.scheduleTicks(of: sensor.storageName, before: nil, limit: 1).first.map {
                "\(Formatting.timestamp($0.scheduledTime)) \($0.status.rawValue)"
            }
            table.add([
                sensor.name, sensor.target?.description ?? "none (reacts only)",
                "\(sensor.minimumInterval.components.seconds)s",
                (state?.status ?? sensor.defaultStatus).rawValue, state?.cursor ?? "-", last ?? "-",
            ])
        }
        print(table.rendered)
    }
}

/// `sensor start NAME`: lets the daemon evaluate a sensor.
struct StartSensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a sensor: the daemon evaluates it from now on.")

    @Argument(help: "The sensor's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        try await SensorCommand.set(name, running: true, options: options)
    }
}

/// `sensor stop NAME`: keeps the daemon from evaluating a sensor; its cursor is kept.
struct StopSensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a sensor: the daemon requests no more runs for it.")

    @Argument(help: "The sensor's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        try await SensorCommand.set(name, running: false, options: options)
    }
}

/// `sensor ticks NAME`: a sensor's evaluations, newest first.
struct SensorTicksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticks", abstract: "Show a sensor's evaluations and their outcomes, newest first.")

    @Argument(help: "The sensor's name.")
    var name: String

    @Option(name: .long, help: "How many ticks to show.")
    var limit = 20

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(limit, of: "--limit")
    }

    func run() async throws {
        let sensor = try await catchingCairnErrors { try CodeLocation.definitions.sensor(named: name) }
        let ticks = try await options.openStorage().scheduleTicks(of: sensor.storageName, before: nil, limit: limit)
        guard !ticks.isEmpty else {
            print("Sensor '\(name)' has no ticks yet.")
            return
        }
        print(ScheduleTick.table(of: ticks).rendered)
    }
}

/// `sensor preview NAME`: evaluates a sensor once with its stored cursor; nothing is stored.
struct PreviewSensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Evaluate a sensor once with its stored cursor, storing nothing.")

    @Argument(help: "The sensor's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let sensor = try await catchingCairnErrors { try CodeLocation.definitions.sensor(named: name) }
        let graph = try validatedGraph()
        let storage = try await options.openStorage()
        let cursor = try await storage.scheduleState(sensor.storageName)?.cursor
        let context = SensorContext(
            sensorName: sensor.name, cursor: cursor, evaluationTime: Date(), storage: storage, isPreview: true)
        let result = try await SensorEvaluation.evaluate(sensor, context: context)
        _ = try SensorEvaluation.runs(for: result, of: sensor, graph: graph, now: context.evaluationTime)
        if let reason = result.skipReason {
            print("Sensor '\(name)' would skip: \(reason)")
        } else {
            var table = TextTable(header: ["RUN KEY", "PARTITION", "TAGS"])
            for request in result.runRequests {
                table.add([
                    request.runKey ?? "-", request.partitionKey.map { "\($0)" } ?? "-",
                    request.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                ])
            }
            let target = sensor.target.map { "\($0)" } ?? "no target"
            print("Sensor '\(name)' would request \(result.runRequests.count) run(s) of \(target):")
            print(table.rendered)
        }
        print("Cursor: \(cursor ?? "-") -> \(result.cursor ?? cursor ?? "-")")
    }
}

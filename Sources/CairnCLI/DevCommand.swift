import ArgumentParser
import Cairn
import Foundation

/// `dev`: the whole of Cairn in one process on the home's SQLite file, for working on a code
/// location: the run queue, run monitoring, backfills, schedules, sensors and automation.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Serve the web UI and run the schedules, sensors, automation and queued runs until Ctrl-C.",
        discussion: """
            Everything 'daemon' does and the web UI (--port, default 3000), in one process, on the \
            SQLite file of the Cairn home. It prints \
            what will run by itself: schedules and sensors that are running (start others with \
            'schedule start NAME' or 'sensor start NAME' from another terminal) and the assets with \
            an automation condition. Runs execute as child processes ('execute-run'), or in this \
            process with --in-process. Use --clock-start to see a schedule tick without waiting for it.
            """)

    @OptionGroup var daemon: DaemonOptions

    @OptionGroup var web: WebOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        _ = try validatedGraph()
        let lines = try await overview()
        try await LocalDaemon(options: daemon, home: options, web: try web.configuration()).run { id in
            lines.joined(separator: "\n")
                + "\nCairn dev is running (daemon \(id.short), pid \(getpid())). Stop with Ctrl-C."
        }
        print("Cairn dev stopped.")
    }

    /// What will run by itself, one line per schedule, sensor and automated asset.
    private func overview() async throws -> [String] {
        let definitions = CodeLocation.definitions
        let storage = try await options.openStorage()
        let home = options.cairnHome
        let now = try daemon.clock()()
        let materializable = definitions.assets.filter { !$0.isSource }.flatMap(\.keys).count
        var lines = [
            "\(CairnCommand.configuration.commandName ?? "cairn") — \(materializable) assets, "
                + "\(definitions.schedules.count) schedule(s), \(definitions.sensors.count) sensor(s)",
            "  home        \(home.path) (runs and events in \(try options.storageChoice()))",
            "  runs        "
                + (daemon.inProcess ? "in this process" : "as child processes")
                + ", at most \(daemon.maxConcurrentRuns) at once",
        ]
        if daemon.clockStart != nil {
            lines.append("  clock       starts at \(Formatting.timestamp(now)) for schedules, sensors and automation")
        }
        for schedule in definitions.schedules {
            let status = try await storage.scheduleState(schedule.name)?.status ?? schedule.defaultStatus
            let next = try schedule.cronSchedule().nextTick(after: now)
            lines.append(
                "  schedule    \(schedule.name): \(status.rawValue)"
                    + (status == .running ? ", next tick \(Formatting.timestamp(next))" : "")
                    + " ('\(schedule.cron)' \(schedule.timezone))")
        }
        for sensor in definitions.sensors {
            let status = try await storage.scheduleState(sensor.storageName)?.status ?? sensor.defaultStatus
            lines.append(
                "  sensor      \(sensor.name): \(status.rawValue), every \(sensor.minimumInterval)"
                    + (sensor.description.map { " — \($0)" } ?? ""))
        }
        let automated = definitions.assets.flatMap(\.specs).filter { $0.automationCondition != nil }.map(\.key)
        if !automated.isEmpty {
            lines.append(
                "  automation  \(automated.map(\.description).joined(separator: ", ")) "
                    + "('automation explain ASSET' tells why each was or was not requested)")
        }
        return lines
    }
}

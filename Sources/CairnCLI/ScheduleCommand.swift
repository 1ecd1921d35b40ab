import ArgumentParser
import Cairn
import Foundation

/// `schedule`: list schedules, start and stop them, show their ticks, preview what they would request.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "List, start, stop and preview schedules, and show their ticks.",
        discussion: """
            The daemon ('daemon' or 'dev') evaluates running schedules. A schedule never started \
            or stopped has the status its definition gives (stopped unless defaultStatus: .running).
            """,
        subcommands: [
            ListSchedulesCommand.self, StartScheduleCommand.self, StopScheduleCommand.self,
            ScheduleTicksCommand.self, PreviewScheduleCommand.self,
        ])
}

/// `schedule list`: every schedule with its status, next tick and last outcome.
struct ListSchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the schedules.")

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let schedules = CodeLocation.definitions.schedules
        guard !schedules.isEmpty else {
            print("The code location defines no schedules.")
            return
        }
        let storage = try await options.openStorage()
        let now = Date()
        var table = TextTable(header: ["SCHEDULE", "CRON", "TIME ZONE", "STATUS", "NEXT TICK", "LAST TICK"])
        for schedule in schedules {
            let status = try await storage.scheduleState(schedule.name)?.status ?? schedule.defaultStatus
            let next = (try? schedule.cronSchedule()).map { Formatting.timestamp($0.nextTick(after: now)) } ?? "-"
            let last = try await storage.scheduleTicks(of: schedule.name, before: nil, limit: 1).first.map {
                "\(Formatting.timestamp($0.scheduledTime)) \($0.status.rawValue)"
            }
            table.add([
                schedule.name, schedule.cron, schedule.timezone, status.rawValue,
                status == .running ? next : "-", last ?? "-",
            ])
        }
        print(table.rendered)
    }
}

extension ScheduleCommand {
    /// Starts or stops a schedule; a started schedule's next tick is the first after now.
    static func set(_ name: String, running: Bool, options: HomeOptions) async throws {
        let operations = try await options.operations()
        let changed = try await catchingCairnErrors { try await operations.setSchedule(name, running: running) }
        SchedulesAndSensors.report(changed: changed, running: running, noun: "schedule", name: name)
    }
}

/// `schedule start NAME`: lets the daemon evaluate a schedule, from its next tick on.
struct StartScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a schedule: the daemon runs its ticks from now on.")

    @Argument(help: "The schedule's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        try await ScheduleCommand.set(name, running: true, options: options)
    }
}

/// `schedule stop NAME`: keeps the daemon from evaluating a schedule.
struct StopScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a schedule: the daemon requests no more runs for it.")

    @Argument(help: "The schedule's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        try await ScheduleCommand.set(name, running: false, options: options)
    }
}

/// `schedule ticks NAME`: a schedule's evaluated ticks, newest first.
struct ScheduleTicksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticks", abstract: "Show a schedule's ticks and their outcomes, newest first.")

    @Argument(help: "The schedule's name.")
    var name: String

    @Option(name: .long, help: "How many ticks to show.")
    var limit = 20

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(limit, of: "--limit")
    }

    func run() async throws {
        _ = try await catchingCairnErrors { try CodeLocation.definitions.schedule(named: name) }
        let ticks = try await options.openStorage().scheduleTicks(of: name, before: nil, limit: limit)
        guard !ticks.isEmpty else {
            print("Schedule '\(name)' has no ticks yet.")
            return
        }
        print(ScheduleTick.table(of: ticks).rendered)
    }
}

/// `schedule preview NAME`: the next ticks and what each would request; nothing is stored.
struct PreviewScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Show a schedule's next ticks and what each would request, storing nothing.")

    @Argument(help: "The schedule's name.")
    var name: String

    @Option(name: .long, help: "How many ticks to show.")
    var count = 5

    func validate() throws {
        try validateCount(count, of: "--count")
    }

    func run() async throws {
        let schedule = try await catchingCairnErrors { try CodeLocation.definitions.schedule(named: name) }
        let graph = try validatedGraph()
        let cron = try schedule.cronSchedule()
        var table = TextTable(header: ["TICK", "REQUEST"])
        for tick in cron.ticks(from: Date()).prefix(max(count, 0)) {
            let request: String
            do {
                switch try await ScheduleEvaluation.evaluate(schedule, tick: tick, graph: graph) {
                case .run(let run):
                    let partition = run.partitionKey.map { "partition \($0), " } ?? ""
                    let tags = run.tags.isEmpty ? "" : ", tags \(run.tags.sorted { $0.key < $1.key })"
                    request = "run: \(schedule.target), \(partition)run key \(run.runKey ?? "-")\(tags)"
                case .skip(let reason):
                    request = "skip: \(reason)"
                }
            } catch {
                request = "error: \(error)"
            }
            table.add([Formatting.timestamp(tick), request])
        }
        print(table.rendered)
    }
}

extension ScheduleTick {
    /// The ticks of a schedule or sensor as a table: time, outcome, runs and reason.
    static func table(of ticks: [ScheduleTick]) -> TextTable {
        var table = TextTable(header: ["TICK", "STATUS", "RUNS", "REASON"])
        for tick in ticks {
            table.add([
                Formatting.timestamp(tick.scheduledTime), tick.status.rawValue,
                tick.runIDs.isEmpty ? "-" : tick.runIDs.map(\.short).joined(separator: ","),
                tick.message?.replacingOccurrences(of: "\n", with: " ") ?? "",
            ])
        }
        return table
    }
}

import ArgumentParser
import Cairn
import Foundation

/// `backfill`: materialize many partitions as runs, and follow them.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Launch, list, show, cancel, resume and retry backfills of partitions.",
        subcommands: [
            LaunchBackfillCommand.self, ListBackfillsCommand.self, ShowBackfillCommand.self,
            CancelBackfillCommand.self, ResumeBackfillCommand.self, RetryBackfillCommand.self,
        ])
}

/// The options of commands that drive a backfill's runs.
struct BackfillDriveOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "How many of the backfill's runs may execute at once (default: the backfill's own limit, else 1); kept with the backfill for whoever drives it."
    )
    var maxConcurrentRuns: Int?

    @OptionGroup var concurrency: ConcurrencyOptions

    func validate() throws {
        if let maxConcurrentRuns, maxConcurrentRuns < 1 {
            throw ValidationError("--max-concurrent-runs must be at least 1, got \(maxConcurrentRuns)")
        }
    }

    /// Drives the backfill until its runs end, printing a line per run, and exits non-zero when one failed.
    func drive(_ id: BackfillID, options: HomeOptions) async throws {
        let operations = try await options.operations()
        let backfill = try await catchingCairnErrors {
            try await operations.driveBackfill(
                id, maxConcurrentRuns: maxConcurrentRuns, maxConcurrency: concurrency.maxConcurrency,
                observer: BackfillProgress.show)
        }
        print("Backfill \(backfill.id) \(backfill.status.rawValue).")
        if backfill.status == .completedFailed || backfill.status == .failed { throw ExitCode.failure }
    }
}

/// Prints one line per run of a backfill as it starts and ends.
enum BackfillProgress {
    /// Prints `line` with the control characters of messages and keys made visible.
    private static func say(_ line: String) {
        print(Formatting.terminalSafe(line, keepingLineBreaks: true))
    }

    /// Says that a backfill was stored with its runs queued.
    static func queued(_ backfill: Backfill) {
        print(
            "Backfill \(backfill.id): \(backfill.partitionCount) partition\(backfill.partitionCount == 1 ? "" : "s") "
                + "of \(backfill.assetKeys.count) asset\(backfill.assetKeys.count == 1 ? "" : "s") in "
                + "\(backfill.runCount) run\(backfill.runCount == 1 ? "" : "s"), queued.")
        for note in backfill.notes { say("  ⚠ \(note)") }
    }

    /// Prints the line for an event, if it deserves one.
    @Sendable static func show(_ record: EventRecord) {
        let event = record.event
        switch event.type {
        case .runSuccess, .runFailure, .runCanceled:
            say(
                "  \(event.type == .runSuccess ? "✓" : "✗") run \(event.runID.short) \(event.type.runStatus!.rawValue)"
                    + (event.type == .runSuccess ? "" : ": \(event.message)"))
        case .assetMaterialization:
            say(
                "    ◆ \(event.assetKey?.description ?? "") \(event.partition.map { "partition \($0) " } ?? "")materialized"
            )
        default:
            return
        }
        fflush(nil)
    }
}

/// `backfill launch`: plans the runs of a backfill, stores them queued, and drives them.
struct LaunchBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Backfill the selected partitioned assets over a selection of partitions.",
        discussion: """
            --partitions takes 'all', 'missing' (never materialized), 'failed', a range \
            FIRST...LAST, or keys separated by commas. Assets with the same partitions share one \
            run per partition (or per range, for assets with backfillPolicy: .singleRun); a run \
            starts once the runs of the upstream partitions it maps to have succeeded.
            """)

    @Option(name: .long, help: "The partitioned assets to backfill, in Dagster's selection syntax.")
    var select: String

    @Option(name: .long, help: "all, missing, failed, FIRST...LAST, or KEY,KEY,...")
    var partitions: String

    @Option(name: .long, help: "A tag for every run as key=value; repeat for several.")
    var tag: [String] = []

    @Option(name: .long, help: "Run config as a YAML or JSON file, for every run.")
    var config: String?

    @Flag(name: .long, help: "Only store the backfill and its queued runs; 'backfill resume' launches them.")
    var noDrive = false

    @OptionGroup var drive: BackfillDriveOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        _ = try selectedNodes(select, in: graph)
        let tags = try await catchingCairnErrors { try Run.tags(parsing: tag) }
        let runConfig = try loadRunConfig(config) ?? .empty
        let operations = try await options.operations()
        let backfill = try await catchingCairnErrors {
            try await operations.launchBackfill(
                select, partitions: PartitionSelection(parsing: partitions), tags: tags, runConfig: runConfig,
                maxConcurrentRuns: drive.maxConcurrentRuns)
        }
        BackfillProgress.queued(backfill)
        guard !noDrive else { return }
        try await drive.drive(backfill.id, options: options)
    }
}

/// `backfill list`: backfills, newest first.
struct ListBackfillsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List backfills, newest first.")

    @Option(name: .long, help: "How many backfills to show.")
    var limit = 20

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(limit, of: "--limit")
    }

    func run() async throws {
        let storage = try await options.openStorage()
        let backfills = try await storage.backfills(limit: limit, after: nil)
        guard !backfills.isEmpty else {
            print("No backfills yet. Start one with 'backfill launch --select <assets> --partitions <partitions>'.")
            return
        }
        var table = TextTable(header: ["BACKFILL", "STATUS", "CREATED", "PARTITIONS", "RUNS", "ASSETS"])
        for backfill in backfills {
            table.add([
                backfill.id.rawValue, backfill.status.rawValue, Formatting.timestamp(backfill.createdAt),
                "\(backfill.partitionCount) (\(backfill.partitionSelection))", "\(backfill.runCount)",
                backfill.selection,
            ])
        }
        print(table.rendered)
    }
}

/// `backfill show <id>`: a backfill with the status of its runs.
struct ShowBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a backfill and the status of its runs.")

    @Argument(help: "The backfill's id.")
    var id: String

    @Option(name: .long, help: "How many runs to list.")
    var runs = 20

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(runs, of: "--runs")
    }

    func run() async throws {
        let storage = try await options.openStorage()
        guard let backfill = try await storage.backfill(BackfillID(id)) else {
            throw fail(StorageError.unknownBackfill(BackfillID(id)).description)
        }
        print("Backfill \(backfill.id): \(backfill.status.rawValue)")
        print("  selection:  \(backfill.selection)")
        print("  partitions: \(backfill.partitionSelection) (\(backfill.partitionCount))")
        print("  created:    \(Formatting.timestamp(backfill.createdAt))")
        if let ended = backfill.endedAt { print("  ended:      \(Formatting.timestamp(ended))") }
        var counts: [RunStatus: Int] = [:]
        var all: [Run] = []
        var cursor: RunID?
        repeat {
            let page = try await storage.runs(
                matching: RunFilter(tags: [Backfill.tag: backfill.id.rawValue]), limit: 1000, after: cursor)
            all += page
            cursor = page.count == 1000 ? page.last?.id : nil
        } while cursor != nil
        for run in all { counts[run.status, default: 0] += 1 }
        print(
            "  runs:       \(all.count): "
                + RunStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
                .joined(separator: ", "))
        var table = TextTable(header: ["RUN", "STATUS", "PARTITIONS", "DURATION"])
        for run in all.reversed().prefix(runs) {
            table.add([
                run.id.short, run.status.rawValue, run.partitionRange.map(\.description) ?? "-",
                run.duration.map { Formatting.duration(seconds: $0) } ?? "-",
            ])
        }
        print(table.rendered)
        if all.count > runs { print("(\(all.count - runs) more runs; --runs N shows more)") }
    }
}

/// `backfill cancel <id>`: cancels the queued runs of a backfill.
struct CancelBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a backfill: its queued runs are canceled, running ones finish.")

    @Argument(help: "The backfill's id.")
    var id: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let operations = try await options.operations()
        let backfill = try await catchingCairnErrors { try await operations.cancelBackfill(BackfillID(id)) }
        print("Backfill \(backfill.id) \(backfill.status.rawValue).")
    }
}

/// `backfill resume <id>`: drives a backfill's remaining queued runs, as after its driver was killed.
struct ResumeBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Launch the queued runs of a backfill whose driver stopped.",
        discussion: """
            Runs its dead driver had started are marked failed, never launched again; queued runs \
            are launched. 'backfill retry' then backfills the partitions that did not succeed.
            """)

    @Argument(help: "The backfill's id.")
    var id: String

    @OptionGroup var drive: BackfillDriveOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        try await drive.drive(BackfillID(id), options: options)
    }
}

/// `backfill retry <id>`: a new backfill of the partitions whose runs did not succeed.
struct RetryBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Backfill again the partitions of an ended backfill whose runs did not succeed.",
        discussion: """
            Launches a new backfill of the same assets, tags and run config over those partitions, \
            tagged cairn/retried_backfill=<id>, and drives it unless --no-drive is given.
            """)

    @Argument(help: "The ended backfill's id.")
    var id: String

    @Flag(name: .long, help: "Only store the new backfill and its queued runs; 'backfill resume' launches them.")
    var noDrive = false

    @OptionGroup var drive: BackfillDriveOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let operations = try await options.operations()
        let backfill = try await catchingCairnErrors { try await operations.retryBackfill(BackfillID(id)) }
        BackfillProgress.queued(backfill)
        guard !noDrive else { return }
        try await drive.drive(backfill.id, options: options)
    }
}

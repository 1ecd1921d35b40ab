import ArgumentParser
import Cairn
import Foundation

/// The options of `daemon` and `dev`: how many runs at once, where they execute, how often the
/// services look, and when a run is taken for dead.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "The largest number of runs in progress at once.")
    var maxConcurrentRuns = 10

    @Option(
        name: .long,
        help: ArgumentHelp(
            "At most N runs in progress with a tag value (key=value:N), or per value of a tag (key:N); repeatable.",
            valueName: "key=value:N"))
    var tagLimit: [String] = []

    @Flag(name: .long, help: "Execute runs in this process instead of child processes.")
    var inProcess = false

    @Option(name: .long, help: "Milliseconds between two looks at the queue, the schedules, sensors and runs.")
    var intervalMs = 1000

    @Option(name: .long, help: "Seconds a run may stay STARTING before it is marked failed.")
    var startingTimeout = 60

    @Option(name: .long, help: "Seconds without a heartbeat after which a run's worker is taken for dead.")
    var heartbeatTimeout = 20

    @Option(name: .long, help: "Milliseconds between two heartbeats of a run this daemon executes or launches.")
    var heartbeatIntervalMs = Int(RunHeartbeat.defaultInterval / .milliseconds(1))

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Re-execute a run whose worker died from its failure, at most N times per run.", valueName: "N"))
    var resumeDeadRuns = 0

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Terminate runs started longer ago than this (seconds, or 90s, 30m, 2h, 1d) unless their tag "
                + "\(Run.maxRuntimeTag) says otherwise.", valueName: "duration"))
    var maxRuntime: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run schedules, sensors and automation as if the clock had started at this time (ISO 8601, as in "
                + "2026-11-23T05:59:50+01:00), to try them without waiting; runs keep real timestamps.",
            valueName: "time"))
    var clockStart: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only these services, comma-separated: \(Self.serviceNames.joined(separator: ", ")) (default: all). "
                + "Several daemons on several hosts may each run any of them.", valueName: "names"))
    var services: String?

    @Option(
        name: .long,
        help: "Seconds a service's lease lasts unless renewed: how soon another daemon takes over a dead one's work.")
    var leaseSeconds = 15

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup(title: "Retention (daily, from start)") var retention: RetentionOptions

    func validate() throws {
        guard maxConcurrentRuns >= 1 else {
            throw ValidationError("--max-concurrent-runs must be at least 1, got \(maxConcurrentRuns)")
        }
        guard intervalMs >= 1 else { throw ValidationError("--interval-ms must be at least 1, got \(intervalMs)") }
        guard startingTimeout >= 1 else {
            throw ValidationError("--starting-timeout must be at least 1, got \(startingTimeout)")
        }
        guard heartbeatIntervalMs >= 1 else {
            throw ValidationError("--heartbeat-interval-ms must be at least 1, got \(heartbeatIntervalMs)")
        }
        guard heartbeatTimeout * 1000 > heartbeatIntervalMs else {
            throw ValidationError(
                "--heartbeat-timeout (\(heartbeatTimeout) s) must be longer than --heartbeat-interval-ms "
                    + "(\(heartbeatIntervalMs) ms), or every run would be taken for dead; a timeout of 3 to 4 "
                    + "intervals is usual")
        }
        guard resumeDeadRuns >= 0 else {
            throw ValidationError("--resume-dead-runs must not be negative, got \(resumeDeadRuns)")
        }
        _ = try tagLimits()
        _ = try chosenServices()
        guard (1...3_600).contains(leaseSeconds), leaseSeconds * 1000 > intervalMs else {
            throw ValidationError(
                "--lease-seconds (\(leaseSeconds)) must be between 1 and 3600 and longer than --interval-ms "
                    + "(\(intervalMs) ms), or a daemon would lose its leases between two rounds")
        }
        _ = try clock()
        _ = try defaultMaxRuntime()
    }

    /// The `--max-runtime` option, parsed.
    func defaultMaxRuntime() throws -> Duration? {
        guard let maxRuntime else { return nil }
        do {
            return try Run.maxRuntime(parsing: maxRuntime)
        } catch {
            throw ValidationError(
                "--max-runtime takes a number of seconds above 0, or one with a unit (90s, 30m, 2h, 1d), at most 366 "
                    + "days; got '\(maxRuntime.prefix(40))'")
        }
    }

    /// The services a daemon can run, by the names of `--services`.
    static let serviceNames = [
        "run_queue", "run_monitoring", "backfills", "schedules", "sensors", "automation", "retention",
    ]

    /// The services `--services` names, all when it is not given.
    func chosenServices() throws -> Set<String> {
        guard let services else { return Set(Self.serviceNames) }
        let names = services.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let unknown = names.first(where: { !Self.serviceNames.contains($0) }) {
            throw ValidationError(
                "--services names '\(unknown.prefix(40))', which is not a service; the services are "
                    + Self.serviceNames.joined(separator: ", "))
        }
        guard !names.isEmpty else { throw ValidationError("--services names no service") }
        return Set(names)
    }

    /// The `--tag-limit` options, parsed.
    func tagLimits() throws -> [TagConcurrencyLimit] {
        try tagLimit.map { text in
            guard let colon = text.lastIndex(of: ":"), let limit = Int(text[text.index(after: colon)...]), limit >= 0
            else {
                throw ValidationError(
                    "--tag-limit '\(text)' is not key=value:N or key:N (N a number, as in db=warehouse:2)")
            }
            let tag = text[..<colon]
            guard let equals = tag.firstIndex(of: "=") else {
                guard !tag.isEmpty else { throw ValidationError("--tag-limit '\(text)' has no tag key") }
                return TagConcurrencyLimit(key: String(tag), limit: limit)
            }
            guard equals != tag.startIndex else { throw ValidationError("--tag-limit '\(text)' has no tag key") }
            return TagConcurrencyLimit(
                key: String(tag[..<equals]), value: String(tag[tag.index(after: equals)...]), limit: limit)
        }
    }

    /// Whether the date at the start of `text` (`2026-02-28`) is a day of the calendar: Foundation's
    /// ISO 8601 reading takes `2026-02-30` for March 2nd.
    private static func namesARealDay(_ text: String) -> Bool {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            return false
        }
        let read = calendar.dateComponents([.year, .month, .day], from: date)
        return (read.year, read.month, read.day) == (parts[0], parts[1], parts[2])
    }

    /// The time schedules, sensors and automation see: the real time, or with `--clock-start` a clock
    /// that started at that time when the daemon did and runs at the real pace.
    func clock() throws -> @Sendable () -> Date {
        guard let clockStart else { return { Date() } }
        guard let start = try? Date(clockStart, strategy: .iso8601), Self.namesARealDay(clockStart) else {
            throw ValidationError(
                "--clock-start '\(clockStart)' is not an ISO 8601 time with a time zone, as in 2026-11-23T05:59:50+01:00"
            )
        }
        let offset = start.timeIntervalSinceNow
        return { Date(timeIntervalSinceNow: offset) }
    }
}

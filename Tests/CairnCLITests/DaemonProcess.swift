import Cairn
import CairnSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts `<example> daemon` (or `command`, such as `dev`) with the Cairn home `home` and
/// `environment`, its output going to a file in the home.
func startDaemon(
    _ example: String, home: URL, _ arguments: [String], environment: [String: String] = [:],
    command: String = "daemon"
) throws -> (Process, URL) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent(example)
    process.arguments = [command] + arguments
    var variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    variables["CAIRN_HOME"] = home.path
    process.environment = variables
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    let log = home.appendingPathComponent("daemon.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return (process, log)
}

/// A `customers daemon` with a queued run of `raw_customer_data` that three simulated outages keep
/// retrying for about 1.75 s, started and waited for until the run is STARTED: what the tests of
/// terminating, killing and resuming a run in progress begin with.
struct SlowCustomersRun {
    let customers = CustomersExecutable()
    let daemon: Process
    let log: URL
    let storage: SQLiteStorage
    let run: Run

    /// Starts the daemon with `daemonArguments` and queues the run.
    init(daemonArguments: [String]) async throws {
        let environment = ["CUSTOMERS_DB": customers.database.path, "CAIRN_ENV": "", "CUSTOMERS_PROD_DB": ""]
        (daemon, log) = try startDaemon(
            "customers", home: customers.home, daemonArguments, environment: environment)
        storage = try SQLiteStorage(path: CairnHome(path: customers.home.path).databasePath)
        let outages: JSONValue = .object([
            "ops": .object(["raw_customer_data": .object(["config": .object(["simulatedOutages": .number(3)])])])
        ])
        run = Run(selection: "*", assetKeys: ["raw_customer_data"], status: .queued, runConfig: outages)
        try await storage.addRun(run)
        // Events of a step are stored when it ends; RUN_START shows that the worker runs the run.
        let deadline = ContinuousClock.now + .seconds(20)
        while try await storage.run(run.id)?.status != .started, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The pid of the process that runs the run, as it recorded itself.
    func workerPID() async throws -> Int32? {
        let engine = try await storage.events(ofRun: run.id, after: nil, limit: 1000).last {
            $0.event.type == .engineEvent
        }
        guard case .int(let pid)? = engine?.event.metadata[RunWorker.pidKey] else { return nil }
        return Int32(pid)
    }

    /// Stops the daemon with SIGTERM and returns its output.
    func stopDaemon() throws -> String {
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        return try String(contentsOf: log, encoding: .utf8)
    }

    /// Kills the daemon if it still runs, and removes the example's files.
    func remove() {
        if daemon.isRunning { daemon.terminate() }
        try? FileManager.default.removeItem(at: customers.directory)
    }
}

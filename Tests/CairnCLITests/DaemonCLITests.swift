import Cairn
import CairnSQLite
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(.serialized) struct DaemonCLITests {
    /// The assets of the weather example that a run materializes.
    private let weatherAssets: [AssetKey] = ["daily_temperature_highs", "hottest_dates", "lowest_dates"]

    /// A queued run of the weather example's assets, stored in the home's SQLite database.
    private func queueRun(in weather: WeatherExecutable) async throws -> (SQLiteStorage, RunID) {
        let storage = try SQLiteStorage(path: CairnHome(path: weather.home.path).databasePath)
        let run = Run(selection: "*", assetKeys: weatherAssets, status: .queued)
        try await storage.addRun(run)
        return (storage, run.id)
    }

    /// Waits until the run has ended, for at most `timeout`.
    private func waitUntilEnded(_ id: RunID, in storage: SQLiteStorage, timeout: Duration = .seconds(30)) async throws
        -> Run
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let run = try #require(try await storage.run(id))
            if run.status.isTerminal || ContinuousClock.now > deadline { return run }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Seconds from the run's creation to its RUN_START.
    private func latency(of run: Run, in storage: SQLiteStorage) async throws -> Double? {
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 1000)
        return events.first { $0.event.type == .runStart }.map { $0.event.timestamp.timeIntervalSince(run.createdAt) }
    }

    @Test(arguments: [false, true]) func theDaemonLaunchesAQueuedRunAndStopsOnSIGTERM(inProcess: Bool) async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (storage, early) = try await queueRun(in: weather)
        let (daemon, log) = try startDaemon(
            "weather", home: weather.home, ["--interval-ms", "50"] + (inProcess ? ["--in-process"] : []))
        defer { if daemon.isRunning { daemon.terminate() } }
        try await Task.sleep(for: .milliseconds(500))
        let queued = Run(selection: "*", assetKeys: weatherAssets, status: .queued)
        try await storage.addRun(queued)
        let run = try await waitUntilEnded(queued.id, in: storage)
        let soFar = try String(contentsOf: log, encoding: .utf8)
        #expect(run.status == .success, "\(soFar)")
        #expect(try await waitUntilEnded(early, in: storage).status == .success)
        let latency = try await latency(of: run, in: storage)
        print("Queued to RUN_START, \(inProcess ? "in-process" : "child process"): \(latency ?? -1) s")

        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(daemon.terminationStatus == 0, "\(output)")
        #expect(output.contains("Launched run \(queued.id)"))
        #expect(output.contains("Cairn daemon stopped."))

        let events = try await storage.events(ofRun: queued.id, after: nil, limit: 1000)
        #expect(events.filter { $0.event.type == .runStarting }.count == 1)
        let workers = events.compactMap { record -> Int? in
            guard record.event.type == .engineEvent, case .int(let pid)? = record.event.metadata["cairn/worker_pid"]
            else { return nil }
            return pid
        }
        if inProcess {
            #expect(workers.isEmpty)
        } else {
            #expect(!workers.isEmpty)
            #expect(workers.allSatisfy { $0 != Int(daemon.processIdentifier) })
        }
    }

    @Test func executeRunClaimsAndExecutesAQueuedRun() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (storage, id) = try await queueRun(in: weather)
        let output = try weather.run("execute-run", id.short)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("SUCCESS in"))
        #expect(try await storage.run(id)?.status == .success)
        let events = try await storage.events(ofRun: id, after: nil, limit: 1000)
        #expect(events.filter { $0.event.type == .runStarting }.count == 1)

        let again = try weather.run("execute-run", id.rawValue)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is SUCCESS; only QUEUED runs and STARTING runs"))
    }

    @Test func executeRunRefusesARunThatAnotherLiveProcessClaimed() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (storage, id) = try await queueRun(in: weather)
        let claimer = Process()
        claimer.executableURL = URL(fileURLWithPath: "/bin/sleep")
        claimer.arguments = ["30"]
        try claimer.run()
        defer { claimer.terminate() }
        let worker = RunWorker(pid: claimer.processIdentifier, host: ProcessInfo.processInfo.hostName)
        #expect(
            try await storage.transition(Event(.runStarting, runID: id, metadata: worker.metadata), from: [.queued])
                != nil)
        let output = try weather.run("execute-run", id.rawValue)
        #expect(output.status != 0)
        #expect(output.stderr.contains("was claimed by pid \(claimer.processIdentifier)"))
        #expect(try await storage.run(id)?.status == .starting, "the run is left to its claimer")
    }

    @Test func terminateCancelsAQueuedRunAndLeavesAnEndedRunAlone() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (storage, id) = try await queueRun(in: weather)
        let terminate = try weather.run("terminate", id.short)
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("CANCELED before it ran"))
        #expect(try await storage.run(id)?.status == .canceled)
        let again = try weather.run("terminate", id.short)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already ended CANCELED; left as it is"))
        #expect(try await storage.run(id)?.status == .canceled)
    }

    @Test func terminateSignalsTheRunsProcessThenKillsIt() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (storage, id) = try await queueRun(in: weather)
        // A process that ignores SIGTERM stands in for a worker stuck in user code.
        let stubborn = Process()
        stubborn.executableURL = URL(fileURLWithPath: "/bin/sh")
        stubborn.arguments = ["-c", "trap '' TERM; exec sleep 10"]
        try stubborn.run()
        defer { if stubborn.isRunning { stubborn.terminate() } }
        let worker: Metadata = [
            "cairn/worker_pid": .int(Int(stubborn.processIdentifier)),
            "cairn/worker_host": .text(ProcessInfo.processInfo.hostName),
        ]
        _ = try await storage.transition(Event(.runStarting, runID: id), from: [.queued])
        try await storage.append([Event(.engineEvent, runID: id, metadata: worker), Event(.runStart, runID: id)])

        let terminate = try weather.run("terminate", id.short, "--grace", "0.5")
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("Sent SIGTERM"))
        #expect(terminate.stdout.contains("Sent SIGKILL"))
        stubborn.waitUntilExit()
        #expect(stubborn.terminationReason == .uncaughtSignal)
        #expect(stubborn.terminationStatus == SIGKILL)
        let events = try await storage.events(ofRun: id, after: nil, limit: 1000).map(\.event.type)
        #expect(events.suffix(2) == [.runCanceling, .runCanceled])
        #expect(try await storage.run(id)?.status == .canceled)
    }

    @Test func terminateStopsARunThatTheDaemonLaunchedAsAChildProcess() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50"])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)

        let terminate = try slow.customers.run("terminate", run.id.short, "--grace", "10")
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("Sent SIGTERM"))
        #expect(!terminate.stdout.contains("SIGKILL"))
        #expect(terminate.stdout.contains("Run \(run.id) CANCELED."))
        let types = try await storage.events(ofRun: run.id, after: nil, limit: 1000).map(\.event.type)
        #expect(types.contains(.runCanceling))
        #expect(!types.contains(.runFailure))
        #expect(try await storage.run(run.id)?.status == .canceled)

        let output = try slow.stopDaemon()
        #expect(slow.daemon.terminationStatus == 0, "\(output)")
        #expect(try await storage.run(run.id)?.status == .canceled)
    }

    @Test func theDaemonTerminatesARunPastItsMaxRuntime() async throws {
        // Three simulated outages take the run about 1.75 s of retry delays: well past 0.2 s.
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50", "--max-runtime", "0.2"])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)

        let ended = try await waitUntilEnded(run.id, in: storage, timeout: .seconds(30))
        #expect(ended.status == .canceled)
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 1000).map(\.event)
        let canceling = try #require(events.first { $0.type == .runCanceling })
        #expect(
            canceling.message.hasPrefix("The run exceeded its maximum runtime of 0.2 s (the daemon's --max-runtime)"),
            "\(canceling.message)")
        #expect(!events.contains { $0.type == .runSuccess || $0.type == .runFailure })
        let output = try slow.stopDaemon()
        #expect(slow.daemon.terminationStatus == 0, "\(output)")
        #expect(output.contains("Run \(run.id) terminated: The run exceeded its maximum runtime"), "\(output)")
    }

    @Test func aRunWorkerKilledWithSIGKILLIsMarkedFailed() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50"])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)
        let pid = try #require(try await slow.workerPID(), "no worker recorded for run \(run.id)")
        kill(pid, SIGKILL)

        let ended = try await waitUntilEnded(run.id, in: storage, timeout: .seconds(10))
        #expect(ended.status == .failure)
        // The launcher, which sees its child die, and run monitoring, which sees the process gone,
        // race to report it; either reason names the worker.
        let reason = try #require(try await storage.events(ofRun: run.id, after: nil, limit: 1000).last?.event.message)
        #expect(
            reason.hasSuffix("was killed by signal 9 before the run ended.")
                || reason.hasPrefix("The process that ran this run (pid \(pid)"), "\(reason)")
        let output = try slow.stopDaemon()
        #expect(slow.daemon.terminationStatus == 0, "\(output)")
        #expect(output.contains("Run \(run.id) FAILURE") || output.contains("Run \(run.id) FAILED"), "\(output)")
    }

    @Test func badDaemonOptionsAreReported() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let notANumber = try weather.run("daemon", "--tag-limit", "db=warehouse:two")
        #expect(notANumber.status != 0)
        #expect(notANumber.stderr.contains("--tag-limit 'db=warehouse:two' is not key=value:N or key:N"))
        let noKey = try weather.run("daemon", "--tag-limit", "=warehouse:2")
        #expect(noKey.stderr.contains("--tag-limit '=warehouse:2' has no tag key"))
        let noRuns = try weather.run("daemon", "--max-concurrent-runs", "0")
        #expect(noRuns.stderr.contains("--max-concurrent-runs must be at least 1, got 0"))
        let noDuration = try weather.run("daemon", "--max-runtime", "forever")
        #expect(noDuration.stderr.contains("--max-runtime takes a number of seconds above 0"), "\(noDuration.stderr)")
    }
}

import Cairn
import CairnSQLite
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(.serialized) struct DaemonStatusCLITests {
    /// The services of a daemon, each with its heartbeat.
    private let services = ["automation", "backfills", "run_monitoring", "run_queue", "schedules", "sensors"]

    /// Runs `daemon status` until it reports every service of a healthy daemon, for at most 60 s.
    private func statusOnceHealthy(_ weather: WeatherExecutable) async throws -> CommandOutput {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let status = try weather.run("daemon", "status")
            let complete = services.allSatisfy { status.stdout.contains($0) }
            if (status.status == 0 && complete) || ContinuousClock.now > deadline { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func daemonStatusIsHealthyWhileTheDaemonRunsAndNoneAfterItStopped() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let before = try weather.run("daemon", "status")
        #expect(before.status == 1)
        #expect(before.stdout.contains("No daemon is running"))

        let (daemon, log) = try startDaemon("weather", home: weather.home, ["--interval-ms", "50"])
        defer { if daemon.isRunning { daemon.terminate() } }
        let status = try await statusOnceHealthy(weather)
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        let lines = status.stdout.split(separator: "\n")
        for service in services {
            let line = lines.first { $0.contains(" \(service) ") }
            #expect(line?.contains("pid \(daemon.processIdentifier) on \(ProcessInfo.processInfo.hostName)") == true)
            #expect(line?.contains(" healthy ") == true, "\(status.stdout)")
        }
        #expect(status.stdout.contains("1 of 1 daemon(s) healthy."))

        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(daemon.terminationStatus == 0, "\(output)")
        let after = try weather.run("daemon", "status")
        #expect(after.status == 1)
        #expect(after.stdout.contains("No daemon is running"))
    }

    /// Starts a daemon on `weather`'s home, waits until it is healthy, and kills it with SIGKILL.
    ///
    /// - Returns: the killed daemon's process id.
    private func killHealthyDaemon(of weather: WeatherExecutable) async throws -> Int32 {
        let (daemon, _) = try startDaemon("weather", home: weather.home, ["--interval-ms", "50"])
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(try await statusOnceHealthy(weather).status == 0)
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        return daemon.processIdentifier
    }

    @Test func aKilledDaemonShowsAsUnhealthy() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let killed = try await killHealthyDaemon(of: weather)
        try await Task.sleep(for: .milliseconds(1500))

        let status = try weather.run("daemon", "status", "--unhealthy-after", "1")
        #expect(status.status == 1)
        let lines = status.stdout.split(separator: "\n").filter { $0.contains("pid \(killed) ") }
        #expect(lines.count == services.count)
        #expect(lines.allSatisfy { $0.contains(" unhealthy ") })
        #expect(status.stdout.contains("No daemon is healthy: no heartbeat for more than 1 s."))
    }

    @Test func aDaemonKilledOnThisHostIsUnhealthyAtOnce() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let killed = try await killHealthyDaemon(of: weather)

        let status = try weather.run("daemon", "status")
        #expect(status.status == 1, "\(status.stdout)")
        let lines = status.stdout.split(separator: "\n").filter { $0.contains("pid \(killed) ") }
        #expect(lines.count == services.count)
        #expect(lines.allSatisfy { $0.contains("unhealthy (process gone)") })
    }

    @Test func terminateCancelsARunExecutedInProcessWhileTheDaemonKeepsRunning() async throws {
        let slow = try await SlowCustomersRun(
            daemonArguments: ["--in-process", "--interval-ms", "50", "--heartbeat-interval-ms", "50"])
        defer { slow.remove() }
        let (customers, daemon, storage, run) = (slow.customers, slow.daemon, slow.storage, slow.run)

        let terminate = try customers.run("terminate", run.id.short, "--grace", "10")
        #expect(terminate.status == 0, "\(terminate.stderr)")
        #expect(terminate.stdout.contains("The run is executed in-process by pid \(daemon.processIdentifier)"))
        #expect(!terminate.stdout.contains("SIGTERM"))
        #expect(!terminate.stdout.contains("SIGKILL"))
        #expect(terminate.stdout.contains("Run \(run.id) CANCELED."))
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 1000).map(\.event)
        #expect(events.contains { $0.type == .runCanceling })
        #expect(events.last?.type == .runCanceled)
        #expect(events.last?.message.hasPrefix("Execution of run was canceled") == true)
        #expect(!events.contains { $0.type == .runFailure })

        #expect(daemon.isRunning)
        let status = try customers.run("daemon", "status")
        #expect(status.status == 0, "\(status.stdout)")
        let output = try slow.stopDaemon()
        #expect(daemon.terminationStatus == 0, "\(output)")
        #expect(try await storage.run(run.id)?.status == .canceled)
    }

    @Test func aRunWhoseWorkerWasKilledIsResumedFromFailureOnce() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50", "--resume-dead-runs", "1"])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)
        let pid = try #require(try await slow.workerPID(), "no worker recorded for run \(run.id)")
        kill(pid, SIGKILL)

        var resumed: Run?
        let deadline = ContinuousClock.now + .seconds(40)
        while resumed?.status.isTerminal != true, ContinuousClock.now < deadline {
            resumed = try await storage.runs(matching: RunFilter(), limit: 10, after: nil).first {
                $0.parentRunID == run.id
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await storage.run(run.id)?.status == .failure)
        #expect(resumed?.status == .success)
        #expect(resumed?.tags["cairn/resume_attempt"] == "1")
        #expect(resumed?.tags[Run.stepSelectionTag] == #"["raw_customer_data"]"#)
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).count == 2)

        let output = try slow.stopDaemon()
        #expect(slow.daemon.terminationStatus == 0, "\(output)")
        #expect(
            output.contains("Run \(run.id) resumed from failure as run \(resumed?.id.rawValue ?? "?"), attempt 1 of 1.")
        )
    }

    @Test func heartbeatOptionsThatWouldFailEveryRunAreRefused() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let tooShort = try weather.run("daemon", "--heartbeat-timeout", "1", "--heartbeat-interval-ms", "5000")
        #expect(tooShort.status != 0)
        #expect(
            tooShort.stderr.contains("--heartbeat-timeout (1 s) must be longer than --heartbeat-interval-ms (5000 ms)"))
        let negative = try weather.run("daemon", "--resume-dead-runs=-1")
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("--resume-dead-runs must not be negative, got -1"))
        let status = try weather.run("daemon", "status", "--unhealthy-after", "0")
        #expect(status.status != 0)
        #expect(status.stderr.contains("--unhealthy-after must be at least 1, got 0"))
    }
}

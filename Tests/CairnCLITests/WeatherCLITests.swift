import Foundation
import Testing

/// Runs the built `weather` executable, as a user would, with its own Cairn home.
struct WeatherExecutable {
    let home: URL

    init() {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-cli-\(UUID())")
    }

    func run(_ arguments: String...) throws -> CommandOutput {
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_HOME"] = home.path
        return try runExample("weather", arguments, environment: environment)
    }

    func remove() {
        try? FileManager.default.removeItem(at: home)
    }
}

@Suite(.serialized) struct WeatherCLITests {
    @Test func materializesEndToEndAndKeepsHistory() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }

        let validate = try weather.run("validate")
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("The definitions are valid: 4 assets (1 source) in 1 group, 3 computations."))

        let before = try weather.run("list")
        #expect(before.status == 0)
        #expect(before.stdout.contains("sfo_q2_weather_sample"))
        #expect(before.stdout.contains("never"))

        let materialize = try weather.run("materialize", "--select", "*")
        #expect(materialize.status == 0, "\(materialize.stderr)")
        #expect(materialize.stdout.contains("▸ daily_temperature_highs started"))
        #expect(materialize.stdout.contains("◆ daily_temperature_highs materialized (samples=4368, row_count=91"))
        #expect(materialize.stdout.contains("✓ hottest_dates succeeded"))
        #expect(materialize.stdout.contains("SUCCESS in"))
        #expect(materialize.stdout.contains("4 succeeded, 0 failed, 0 skipped"))
        #expect(materialize.stdout.contains("☑ Check 'no_impossible_temperatures' on 'daily_temperature_highs' passed"))

        let stored = weather.home.appendingPathComponent("storage/hottest_dates.json")
        let hottest = try JSONSerialization.jsonObject(with: Data(contentsOf: stored)) as? [[String: Any]]
        #expect(hottest?.count == 10)
        let temperatures = hottest?.compactMap { $0["maxTmpf"] as? Double } ?? []
        #expect(temperatures == temperatures.sorted(by: >))
        let lowest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: weather.home.appendingPathComponent("storage/lowest_dates.json"))) as? [Any]
        #expect(lowest?.count == 3)

        let after = try weather.run("list", "--select", "group:weather")
        #expect(!after.stdout.contains("never"))
        #expect(after.stdout.contains("1/1 passed"))
        #expect(after.stdout.contains("4 of 4 assets"))

        let runs = try weather.run("runs")
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("SUCCESS"))
        let runID = try #require(runs.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)

        let detail = try weather.run("run", String(runID))
        #expect(detail.status == 0, "\(detail.stderr)")
        #expect(detail.stdout.contains("RUN_START"))
        #expect(detail.stdout.contains("ASSET_MATERIALIZATION"))
        #expect(detail.stdout.contains("row_count: 91"))
        #expect(detail.stdout.contains("| Name | Type |"))
        #expect(detail.stdout.contains("Computed 91 daily highs"))
        #expect(detail.stdout.contains("RUN_SUCCESS"))
        #expect(!detail.stdout.contains("LOADED_INPUT"))
        #expect(try weather.run("run", String(runID), "--debug").stdout.contains("LOADED_INPUT"))

        let downstreamOnly = try weather.run("materialize", "--select", "key:daily_temperature_highs+")
        #expect(downstreamOnly.status == 0)

        let check = try weather.run("check", "--select", "group:weather")
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("1 succeeded, 0 failed, 0 skipped"))
        #expect(!check.stdout.contains("materialized"))
        let noChecks = try weather.run("check", "--select", "key:hottest_dates")
        #expect(noChecks.status != 0)
        #expect(noChecks.stderr.contains("the selected assets have no checks"))
        #expect(try weather.run("runs", "--limit", "1").stdout.contains("More runs: --after"))
    }

    @Test func aFailedStepFailsTheRunWithANonZeroExitAndItsErrorIsKept() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        #expect(try weather.run("materialize", "--select", "key:daily_temperature_highs").status == 0)
        let stored = weather.home.appendingPathComponent("storage/daily_temperature_highs.json")
        try Data("{\"not\": \"a list\"}".utf8).write(to: stored)

        let failed = try weather.run(
            "materialize", "--select", "key:daily_temperature_highs+ and not key:daily_temperature_highs")
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("✗ hottest_dates failed"))
        #expect(failed.stdout.contains("FAILURE in"))
        #expect(failed.stdout.contains("0 succeeded, 2 failed, 0 skipped"))

        let runs = try weather.run("runs", "--status", "failure")
        let runID = try #require(runs.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let detail = try weather.run("run", String(runID), "--step", "hottest_dates")
        #expect(detail.stdout.contains("STEP_FAILURE"))
        #expect(detail.stdout.contains("could not load input 'daily_temperature_highs' of 'hottest_dates'"))
        #expect(detail.stdout.contains(stored.path))
        let stepLines = detail.stdout.split(separator: "\n").filter { $0.contains("STEP_") }
        #expect(!stepLines.isEmpty && stepLines.allSatisfy { $0.contains("hottest_dates") })

        // The fix: materialize the upstream asset again, then resume the failed run.
        #expect(try weather.run("materialize", "--select", "key:daily_temperature_highs").status == 0)
        let resumed = try weather.run("reexecute", String(runID), "--from-failure")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("2 succeeded, 0 failed, 0 skipped"))
        let again = try weather.run("reexecute", String(runID), "--from-failure", "--select", "key:lowest_dates")
        #expect(again.status == 0)
        #expect(again.stdout.contains("1 succeeded"))
        let latest = try weather.run("runs", "--limit", "1")
        #expect(latest.stdout.contains("SUCCESS"))
        let notFailed = try weather.run(
            "reexecute", String(latest.stdout.split(separator: "\n")[1].split(separator: " ")[0]), "--from-failure")
        #expect(notFailed.status != 0)
        #expect(notFailed.stderr.contains("nothing to re-execute from failure"))
    }

    @Test func badSelectionsAreErrorsThatPointAtTheProblem() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }

        let unknown = try weather.run("materialize", "--select", "key:daily_highs")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown asset 'daily_highs'"))
        #expect(unknown.stderr.contains("did you mean 'daily_temperature_highs'?"))

        let syntax = try weather.run("materialize", "--select", "group:weather and (key:hottest_dates")
        #expect(syntax.status != 0)
        #expect(syntax.stderr.contains("column"))

        let sourceOnly = try weather.run("materialize", "--select", "key:sfo_q2_weather_sample")
        #expect(sourceOnly.status != 0)
        #expect(sourceOnly.stderr.contains("only source assets"))

        let missingRun = try weather.run("run", "0000")
        #expect(missingRun.status != 0)
        #expect(missingRun.stderr.contains("no run with id '0000'"))

        let badOption = try weather.run("materialize", "--select", "*", "--max-concurrency", "0")
        #expect(badOption.status != 0)
        #expect(badOption.stderr.contains("--max-concurrency must be at least 1"))
    }

    @Test func helpIsAvailableEverywhere() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let root = try weather.run("--help")
        #expect(root.status == 0)
        for command in ["list", "materialize", "runs", "run", "validate"] {
            #expect(root.stdout.contains(command))
            let help = try weather.run(command, "--help")
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE"))
        }
    }

    /// A command leaves no change in the write-ahead log, so `cairn.sqlite` alone holds its runs;
    /// `backup` copies the database while it is in use, and never over a file.
    @Test func theDatabaseFileHoldsEveryRunAndBackupCopiesIt() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        #expect(try weather.run("materialize", "--select", "*").status == 0)
        let wal = weather.home.appendingPathComponent("cairn.sqlite-wal").path
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "the write-ahead log still holds \(walSize) bytes")

        let copy = weather.home.appendingPathComponent("backup.sqlite").path
        let backup = try weather.run("backup", copy)
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(FileManager.default.fileExists(atPath: copy))
        let again = try weather.run("backup", copy)
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists already; a backup never overwrites a file"))
        // The copy is a home of its own with the run in it.
        let restored = weather.home.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: copy, toPath: restored.appendingPathComponent("cairn.sqlite").path)
        let runs = try weather.run("runs", "--home", restored.path)
        #expect(runs.stdout.contains("SUCCESS"), "\(runs.stdout)\(runs.stderr)")
    }

    /// `prune` shows what would go, then deletes it, keeping the run that holds the latest
    /// materializations whatever the policy; a policy without a bound is refused.
    @Test func pruneDeletesOldRunsButTheLatestMaterializations() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        for _ in 0..<3 { #expect(try weather.run("materialize", "--select", "*").status == 0) }
        let dryRun = try weather.run("prune", "--keep-runs-per-job", "1", "--dry-run")
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.hasPrefix("Would delete 2 runs with "), "\(dryRun.stdout)")
        #expect(try weather.run("runs").stdout.components(separatedBy: "SUCCESS").count == 4)

        let prune = try weather.run("prune", "--keep-runs-per-job", "0")
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.hasPrefix("Deleted 2 runs with "), "\(prune.stdout)")
        #expect(try weather.run("runs").stdout.components(separatedBy: "SUCCESS").count == 2)
        let status = try weather.run("status")
        #expect(!status.stdout.contains("MISSING"), "\(status.stdout)")

        let noBound = try weather.run("prune")
        #expect(noBound.status != 0)
        #expect(noBound.stderr.contains("a retention policy needs --older-than-days N, --keep-runs-per-job K or both"))
        let badAge = try weather.run("prune", "--older-than-days", "0")
        #expect(badAge.stderr.contains("--older-than-days takes a number of days above 0"), "\(badAge.stderr)")
    }

    /// Input a hostile or careless user gives the smaller commands: each gets a clear answer.
    @Test func boundsControlCharactersAndEmptyAnswersAreClear() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let preview = try weather.run("schedule", "preview", "daily_weather", "--count", "99999999999")
        #expect(preview.status != 0)
        #expect(preview.stderr.contains("--count must be between 1 and 10000"))
        let runs = try weather.run("runs", "--limit", "0")
        #expect(runs.stderr.contains("--limit must be between 1 and 10000"))
        let clock = try weather.run("dev", "--clock-start", "2026-02-30T06:00:00Z")
        #expect(clock.status != 0)
        #expect(clock.stderr.contains("--clock-start '2026-02-30T06:00:00Z' is not an ISO 8601 time"))

        #expect(try weather.run("list").stdout.contains("not run"))
        let hostile = try weather.run(
            "materialize", "--select", "key:daily_temperature_highs+", "--tag", "note=\u{1B}]0;owned\u{07}\u{1B}[2J")
        #expect(hostile.status == 0, "\(hostile.stderr)")
        let listed = try weather.run("runs")
        #expect(!listed.stdout.contains("\u{1B}"))
        let id = try #require(listed.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let shown = try weather.run("run", String(id))
        #expect(!shown.stdout.contains("\u{1B}"))
        #expect(shown.stdout.contains("note=\\e]0;owned\\u{7}\\e[2J"), "\(shown.stdout)")
        let step = try weather.run("run", String(id), "--step", "nope")
        #expect(step.status != 0)
        #expect(step.stderr.contains("has no step 'nope'; its steps: "))
        let started = try weather.run("runs", "--status", "STARTED")
        #expect(started.stdout.contains("No runs with status STARTED."))
    }
}

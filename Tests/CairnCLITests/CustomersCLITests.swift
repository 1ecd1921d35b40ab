import Foundation
import Testing

/// Runs the built `customers` executable, as a user would, with its own Cairn home and its own
/// operational database in a temporary directory.
struct CustomersExecutable {
    /// The temporary directory holding the home and the database.
    let directory: URL

    /// A fresh temporary directory; nothing is created until a command runs.
    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-customers-\(UUID())")
    }

    /// The Cairn home.
    var home: URL { directory.appendingPathComponent("home") }
    /// The operational database, `CUSTOMERS_DB`.
    var database: URL { directory.appendingPathComponent("operational.sqlite") }

    /// A run config file shipped with the example, by its absolute path.
    static func example(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/Customers/\(name)").path
    }

    /// Runs a command; `environment` is added to the process's, without its Cairn variables.
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CommandOutput {
        var variables = ProcessInfo.processInfo.environment
        for name in ["CAIRN_ENV", "CUSTOMERS_PROD_DB"] { variables[name] = nil }
        variables["CAIRN_HOME"] = home.path
        variables["CUSTOMERS_DB"] = database.path
        return try runExample("customers", arguments, environment: variables.merging(environment) { _, new in new })
    }

    /// The id of the newest run.
    func latestRunID() throws -> String {
        let runs = try run("runs", "--limit", "1")
        return try #require(runs.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
            .description
    }

    /// The number after `name=` in the first line that has one: `active=97`.
    static func count(_ name: String, in output: String) -> Int? {
        guard let range = output.range(of: " \(name)=") ?? output.range(of: "(\(name)=") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// Deletes the temporary directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite(.serialized) struct CustomersCLITests {
    @Test func theBlockingCheckStopsTheRunAndReexecutionWithTheFixResumesIt() throws {
        let customers = CustomersExecutable()
        defer { customers.remove() }

        let validate = try customers.run("validate")
        #expect(validate.status == 0, "\(validate.stderr)")

        let first = try customers.run("materialize", "--select", "*")
        #expect(first.status == 1)
        #expect(FileManager.default.fileExists(atPath: customers.database.path))
        #expect(first.stdout.contains("◆ raw_customer_data materialized (row_count=306, null_ids=4"))
        #expect(first.stdout.contains("✓ raw_customer_data succeeded"))
        #expect(
            first.stdout.contains(
                "☒ Check 'no_null_ids_and_valid_emails' on 'cleaned_customer_data' failed (ERROR): 6 customers have "
                    + "invalid emails (the first: customer 17, 'not-an-email')"))
        #expect(first.stdout.contains("✗ cleaned_customer_data failed"))
        #expect(first.stdout.contains("– customer_segments skipped"))
        #expect(first.stdout.contains("1 succeeded, 1 failed, 2 skipped"))
        let failedID = try customers.latestRunID()

        let why = try customers.run("run", failedID)
        #expect(why.status == 0)
        #expect(why.stdout.contains("FAILURE"))
        #expect(why.stdout.contains("ASSET_CHECK_EVALUATION"))
        #expect(why.stdout.contains("invalid_emails: 6"))
        #expect(why.stdout.contains("blocking check 'no_null_ids_and_valid_emails' on 'cleaned_customer_data' failed"))

        let fixed = try customers.run(
            "reexecute", failedID, "--from-failure", "--config", CustomersExecutable.example("drop-invalid-emails.yaml")
        )
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(!fixed.stdout.contains("raw_customer_data started"))
        #expect(fixed.stdout.contains("◆ cleaned_customer_data materialized (row_count=294"))
        #expect(fixed.stdout.contains("☑ Check 'no_null_ids_and_valid_emails' on 'cleaned_customer_data' passed"))
        #expect(fixed.stdout.contains("☑ Check 'fresh_signups' on 'cleaned_customer_data' passed"))
        #expect(fixed.stdout.contains("✓ customer_segments succeeded"))
        #expect(fixed.stdout.contains("3 succeeded, 0 failed, 0 skipped"))

        let child = try customers.latestRunID()
        #expect(child != failedID)
        let detail = try customers.run("run", child, "--debug")
        #expect(detail.stdout.contains("cairn/parent_run_id=\(failedID)"))
        let stepLines = detail.stdout.split(separator: "\n").filter { $0.contains("STEP_") }
        #expect(!stepLines.isEmpty)
        #expect(!stepLines.contains { $0.contains("raw_customer_data") })
        // raw_customer_data is loaded from the parent run's stored value, not extracted again.
        #expect(detail.stdout.contains("Loaded input 'raw_customer_data' using JSONFileIOManager"))
        #expect(!detail.stdout.contains("Extracted 306 rows"))
    }

    @Test func configFilesChangeTheSegmentsAndRetriesRideOutOutages() throws {
        let customers = CustomersExecutable()
        defer { customers.remove() }

        let defaults = try customers.run(
            "materialize", "--select", "*", "--config", CustomersExecutable.example("drop-invalid-emails.yaml"))
        #expect(defaults.status == 0, "\(defaults.stderr)")
        let active = try #require(CustomersExecutable.count("active", in: defaults.stdout))
        let atRisk = try #require(CustomersExecutable.count("at_risk", in: defaults.stdout))
        let moderate = try #require(CustomersExecutable.count("moderate", in: defaults.stdout))
        #expect(active + moderate + atRisk == 294)

        let strict = try customers.run(
            "materialize", "--select", "customer_segments", "--config", CustomersExecutable.example("thresholds.yaml"))
        #expect(strict.status == 0, "\(strict.stderr)")
        #expect(!strict.stdout.contains("cleaned_customer_data started"))
        #expect(strict.stdout.contains("active_days=14"))
        let strictActive = try #require(CustomersExecutable.count("active", in: strict.stdout))
        let strictAtRisk = try #require(CustomersExecutable.count("at_risk", in: strict.stdout))
        #expect(strictActive < active)
        #expect(strictAtRisk > atRisk)

        let outages = try customers.run(
            "materialize", "--select", "raw_customer_data", "--config",
            CustomersExecutable.example("simulate-outages.yaml"))
        #expect(outages.status == 0, "\(outages.stderr)")
        let retries = outages.stdout.split(separator: "\n").filter { $0.contains("↻ raw_customer_data") }
        #expect(retries.count == 2)
        #expect(retries.first?.contains("(retry 1 of 3): the operational database did not answer") == true)
        #expect(outages.stdout.contains("✓ raw_customer_data succeeded"))
    }

    @Test func prodResourcesNeedTheirVariableBeforeARunIsCreated() throws {
        let customers = CustomersExecutable()
        defer { customers.remove() }

        let prod = try customers.run("materialize", "--select", "*", environment: ["CAIRN_ENV": "prod"])
        #expect(prod.status != 0)
        #expect(prod.stderr.contains("An environment variable the run's resources need is not set:"))
        #expect(prod.stderr.contains("CUSTOMERS_PROD_DB, needed by resource 'operational_db' (OperationalDatabase)"))
        #expect(prod.stdout.isEmpty)

        let unknown = try customers.run("materialize", "--select", "*", environment: ["CAIRN_ENV": "prd"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("there is no such environment; did you mean 'prod'?"))

        #expect(try customers.run("runs").stdout.contains("No runs yet"))
        #expect(!FileManager.default.fileExists(atPath: customers.database.path))
    }

    @Test func badConfigFilesAreErrorsThatNameThePath() throws {
        let customers = CustomersExecutable()
        defer { customers.remove() }
        try FileManager.default.createDirectory(at: customers.directory, withIntermediateDirectories: true)

        let wrongValue = customers.directory.appendingPathComponent("wrong-value.yaml")
        try Data(
            """
            ops:
              cleaned_customer_data:
                config: {invalidEmails: delete}
              customer_segments:
                config: {activeDays: soon, atRiskDay: 60}
            """.utf8
        ).write(to: wrongValue)
        let values = try customers.run("materialize", "--select", "*", "--config", wrongValue.path)
        #expect(values.status != 0)
        #expect(
            values.stderr.contains(
                "ops.cleaned_customer_data.config.invalidEmails: expected one of \"keep\", \"drop\", got \"delete\""))
        #expect(values.stderr.contains("ops.customer_segments.config.activeDays: expected an integer, got \"soon\""))
        #expect(
            values.stderr.contains("ops.customer_segments.config.atRiskDay: unknown key; did you mean 'atRiskDays'?"))

        let broken = customers.directory.appendingPathComponent("broken.yaml")
        try Data("ops:\n  customer_segments:\n    config: {activeDays: 14\n".utf8).write(to: broken)
        let syntax = try customers.run("materialize", "--select", "*", "--config", broken.path)
        #expect(syntax.status != 0)
        #expect(syntax.stderr.contains("Error: \(broken.path):"))
        #expect(syntax.stderr.contains("invalid YAML"))

        let absent = customers.directory.appendingPathComponent("absent.yaml").path
        let missing = try customers.run("materialize", "--select", "*", "--config", absent)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("\(absent): the file does not exist"))

        #expect(try customers.run("runs").stdout.contains("No runs yet"))
    }
}

@Suite struct InterruptTests {
    @Test func ctrlCCancelsTheRunAndItCanBeResumed() throws {
        let customers = CustomersExecutable()
        defer { customers.remove() }
        try FileManager.default.createDirectory(at: customers.directory, withIntermediateDirectories: true)
        let output = customers.directory.appendingPathComponent("materialize.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)

        // The outages make the extraction wait a second for its retries, so the run is mid-way when
        // it is interrupted right after the extraction starts.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("customers")
        process.arguments = [
            "materialize", "--select", "*", "--config", CustomersExecutable.example("simulate-outages.yaml"),
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_HOME"] = customers.home.path
        environment["CUSTOMERS_DB"] = customers.database.path
        environment["CAIRN_ENV"] = nil
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func started() throws -> Bool {
            try String(contentsOf: output, encoding: .utf8).contains("raw_customer_data started")
        }
        while Date() < deadline, !(try started()) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.interrupt()
        process.waitUntilExit()

        #expect(process.terminationStatus == 130)
        #expect(try String(contentsOf: output, encoding: .utf8).contains("CANCELED: interrupted (Ctrl-C)"))
        let runs = try customers.run("runs")
        #expect(runs.stdout.contains("CANCELED"))
        let runID = try customers.latestRunID()
        let resumed = try customers.run(
            "reexecute", runID, "--from-failure", "--config", CustomersExecutable.example("drop-invalid-emails.yaml"))
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("raw_customer_data started"))
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The Spark example (seed 000) end to end with the real `spark-submit`, pyspark and pyarrow of
/// the checkout's venv: one test, because Spark takes seconds to start.
@Suite struct SparkCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The processes whose environment holds `marker`, but zombies.
    private func processes(carrying marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, Int32(entry) != getpid(),
                let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                String(decoding: environment, as: UTF8.self).contains(marker)
            else { return false }
            let stat = (try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)) ?? ""
            return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
        }
    }

    @Test func theSparkExampleRunsAndCtrlCLeavesNoProcessBehind() async throws {
        let home = FileManager.default.temporaryDirectory.path + "/cairn-spark-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_HOME"] = home
        environment["VIRTUAL_ENV"] = "\(Self.root)/.venv"
        #expect(
            FileManager.default.isExecutableFile(atPath: "\(Self.root)/.venv/bin/spark-submit"),
            "run scripts/test: it installs pyspark into .venv")

        // Ctrl-C while Spark runs: the run is canceled and Spark's JVM and Python go with it.
        let interrupted = Process()
        interrupted.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("spark")
        interrupted.arguments = ["materialize", "--select", "people_over_50"]
        interrupted.environment = environment
        let output = Pipe()
        interrupted.standardOutput = output
        interrupted.standardError = FileHandle.nullDevice
        try interrupted.run()
        let reading = output.fileHandleForReading
        var seen = try await onOwnThread {
            var seen = ""
            while !seen.contains("SparkContext: Running Spark") {
                let chunk = reading.availableData
                guard !chunk.isEmpty else { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            return seen
        }
        #expect(!processes(carrying: home).isEmpty)
        kill(interrupted.processIdentifier, SIGINT)
        seen += try await onOwnThread {
            let rest = String(decoding: reading.readDataToEndOfFile(), as: UTF8.self)
            interrupted.waitUntilExit()
            return rest
        }
        #expect(interrupted.terminationStatus == 128 + SIGINT)
        #expect(seen.contains("CANCELED: interrupted (Ctrl-C)"))
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !processes(carrying: home).isEmpty {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(processes(carrying: home).isEmpty, "left behind: \(processes(carrying: home))")

        // The whole example: Spark writes Parquet and reports its metadata and check; a Pipes
        // script reads the Parquet with pyarrow and reports a summary; Spark's output is logged.
        let finalEnvironment = environment
        let result = try await onOwnThread {
            try runExample("spark", ["materialize", "--select", "*"], environment: finalEnvironment)
        }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("[info] people_over_50: 4 of 6 people are over 50"))
        #expect(result.stdout.contains("◆ people_over_50 materialized (row_count=4, min_age=50, exit_status=0"))
        #expect(result.stdout.contains("☑ Check 'no_minors' on 'people_over_50' passed"))
        #expect(result.stdout.contains("◆ people_summary materialized (rows=4, mean_age=53.5"))
        #expect(result.stdout.contains("│ ") && result.stdout.contains("INFO SparkContext"))
        #expect(FileManager.default.fileExists(atPath: "\(home)/warehouse/people_over_50.parquet/_SUCCESS"))
    }
}

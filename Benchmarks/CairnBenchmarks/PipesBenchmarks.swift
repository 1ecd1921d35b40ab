import Cairn
import CairnPipes
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// The Python of the checkout's venv (`scripts/test` creates it), or `CAIRN_PYTHON`.
    static var python: String {
        ProcessInfo.processInfo.environment["CAIRN_PYTHON"] ?? FileManager.default.currentDirectoryPath
            + "/.venv/bin/python"
    }

    /// The orchestration overhead of a Pipes step, and how fast one process's messages are
    /// recorded.
    static func pipesBenchmarks() async throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            print("pipes: no Python at \(python); run scripts/test first (it creates .venv with dagster-pipes)")
            return
        }
        report(
            "Pipes step overhead: Cairn minus the bare script, per step (100 steps, one at a time)",
            try await pipesStepOverhead(), target: 0.002)
        try await messageThroughput()
    }

    /// Cairn's time for 100 steps that each run `Benchmarks/pipes/step.py`, minus the time of the
    /// same script run 100 times bare (its context and message files made by hand, as Dagster's
    /// overhead was measured): per step, the median of 3 rounds.
    static func pipesStepOverhead() async throws -> Double {
        let script = FileManager.default.currentDirectoryPath + "/Benchmarks/pipes/step.py"
        let steps = 100
        let assets = (0..<steps).map { index in
            Asset.external(
                AssetKey("pipes_step_\(index)"), command: [python, script], checks: [AssetCheckSpec("positive")])
        }
        let definitions = Definitions(assets: [assets])
        let bare = try BareScript(python: python, script: script)
        defer { bare.remove() }
        var differences: [Double] = []
        for _ in 0..<3 {
            let bareSeconds = try measure(rounds: 1) { for _ in 0..<steps { try bare.run() } }
            let cairn = try await materializeSeconds(definitions, rounds: 1, maxConcurrency: 1)
            differences.append((cairn - bareSeconds) / Double(steps))
        }
        return median(differences)
    }

    /// A Pipes script run without an orchestrator, as Dagster's overhead was measured: its
    /// context and message files made by hand, its bootstrap values encoded by Python's own
    /// `zlib` and `base64`.
    private struct BareScript {
        let python: String
        let script: String
        let directory: URL
        let environment: [String: String]

        init(python: String, script: String) throws {
            self.python = python
            self.script = script
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bare-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let context = directory.appendingPathComponent("context")
            try Data(
                #"{"asset_keys": ["bare"], "code_version_by_asset_key": {"bare": null}, "provenance_by_asset_key": {"bare": null}, "partition_key": null, "partition_key_range": null, "partition_time_window": null, "run_id": "bare", "job_name": null, "retry_number": 0, "extras": {}}"#
                    .utf8
            ).write(to: context)
            let encoder = Process()
            encoder.executableURL = URL(fileURLWithPath: python)
            encoder.arguments = [
                "-c",
                "import base64, json, sys, zlib\n"
                    + "for path in sys.argv[1:]: print(base64.b64encode(zlib.compress(json.dumps({'path': path}).encode())).decode())",
                context.path, directory.appendingPathComponent("messages").path,
            ]
            let output = Pipe()
            encoder.standardOutput = output
            try encoder.run()
            let values = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            encoder.waitUntilExit()
            var environment = ProcessInfo.processInfo.environment
            environment["DAGSTER_PIPES_CONTEXT"] = values[0]
            environment["DAGSTER_PIPES_MESSAGES"] = values[1]
            self.environment = environment
        }

        /// Runs the script once, on an empty message file.
        func run() throws {
            try Data().write(to: directory.appendingPathComponent("messages"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script]
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            precondition(process.terminationStatus == 0, "the bare script failed")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// One process writes 10,000 messages (100 materializations with 5 metadata entries each,
    /// 9,900 logs) to stdout: the time of the whole run, from launching the process to every
    /// event stored in SQLite.
    private static func messageThroughput() async throws {
        let keys = (0..<100).map { "table_\($0)" }
        var lines: [String] = [#"{"__dagster_pipes_version": "0.1", "method": "opened", "params": {"extras": {}}}"#]
        for index in 0..<9_900 {
            lines.append(
                #"{"__dagster_pipes_version": "0.1", "method": "log", "params": {"message": "processed batch \#(index) of the input", "level": "INFO"}}"#
            )
            if index % 99 == 0, index / 99 < keys.count {
                lines.append(
                    #"{"__dagster_pipes_version": "0.1", "method": "report_asset_materialization", "params": {"asset_key": "\#(keys[index / 99])", "data_version": "v\#(index)", "metadata": {"rows": {"raw_value": \#(index), "type": "__infer__"}, "mean": {"raw_value": 0.5, "type": "__infer__"}, "owner": {"raw_value": "team", "type": "__infer__"}, "url": {"raw_value": "https://example.com", "type": "url"}, "ok": {"raw_value": true, "type": "bool"}}}}"#
                )
            }
        }
        lines.append(#"{"__dagster_pipes_version": "0.1", "method": "closed", "params": {}}"#)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-messages-\(UUID()).jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let tables = MultiAsset.external(
            "many_messages", specs: keys.map { AssetSpec(AssetKey($0)) }, command: ["cat", file.path],
            messages: .stdout)
        let definitions = Definitions(assets: [tables])
        let seconds = try await measureAsync(rounds: 5) {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
            defer { try? FileManager.default.removeItem(at: home) }
            let storage = try SQLiteStorage(path: home.appendingPathComponent("cairn.sqlite").path)
            let result = try await definitions.materialize(
                "*", storage: storage,
                defaultIOManager: JSONFileIOManager(directory: home.appendingPathComponent("storage").path))
            precondition(result.succeeded, "benchmark run failed")
        }
        report("\(lines.count) Pipes messages of one process recorded (whole run, SQLite)", seconds, target: 0.200)
    }
}

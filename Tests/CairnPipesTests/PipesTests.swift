import Cairn
import CairnPipes
import CairnSQLite
import CairnTesting
import Foundation
import Synchronization
import Testing

/// Unmodified dagster-pipes scripts run as Cairn assets, with the real Python package.
@Suite struct PipesTests {
    private func stepFailure(_ result: MaterializeResult) -> ErrorInfo? {
        result.events.first { $0.event.type == .stepFailure }?.event.error
    }

    private func engineMessages(_ result: MaterializeResult, level: LogLevel = .warning) -> [String] {
        result.events.filter { $0.event.type == .engineEvent && $0.event.level == level }.map(\.event.message)
    }

    private func capturedOutput(_ result: MaterializeResult) -> String {
        result.events.filter { $0.event.type == .logsCaptured }.map(\.event.message).joined()
    }

    @Test func everyMessageKindIsRecorded() async throws {
        let custom = Mutex<[JSONValue]>([])
        let orders = Asset(
            "warehouse/orders", codeVersion: "cv1",
            checks: [AssetCheckSpec("no_nulls", severity: .warn), AssetCheckSpec("positive")]
        ) { context in
            let result = try await context.pipes.run(
                PythonScripts.command("report_everything.py"), extras: ["foo": "bar", "n": [1, 2]])
            custom.withLock { $0 = result.customMessages }
            return result
        }
        let result = try await materialize([orders])
        #expect(result.run.status == .success, "\(String(describing: stepFailure(result)))")
        let metadata = try #require(result.metadata(of: orders))
        #expect(metadata["row_count"] == .int(1200))
        #expect(metadata["ratio"] == .float(0.5))
        #expect(metadata["whole_float"] == .float(3.0))
        #expect(metadata["owner"] == .text("team-a"))
        #expect(metadata["flag"] == .bool(true))
        #expect(metadata["huge"] == .text("1000000000000000000000000000000"))
        #expect(metadata["nan"] == .text("NaN"))
        #expect(metadata["rows"] == .json([1, 2, 3]))
        #expect(metadata["dashboard"] == .url("https://example.com/d"))
        #expect(metadata["file"] == .path("/data/orders.parquet"))
        #expect(metadata["notebook"] == .path("/notebooks/eda.ipynb"))
        #expect(metadata["notes"] == .markdown("# Orders\n*fresh*"))
        #expect(metadata["config"] == .json(["a": 1, "b": [true, nil]]))
        #expect(metadata["score"] == .float(0.25))
        #expect(metadata["count"] == .int(7))
        #expect(metadata["ok"] == .bool(false))
        #expect(metadata["text"] == .text("plain"))
        #expect(metadata["parent_run"] == .run(RunID("b8cc1731-a580-45a0-9c32-e711b99af400")))
        #expect(metadata["upstream"] == .assetKey(AssetKey(path: ["warehouse", "raw"])))
        #expect(metadata["nothing"] == .json(.null))
        #expect(metadata["at"] == .timestamp(Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(
            metadata["schema"]
                == .tableSchema(
                    TableSchema(columns: [
                        .init(name: "id", type: "int"), .init(name: "email", type: "string", description: "who"),
                    ])))
        #expect(
            metadata["sample"]
                == .json(["records": [["id": 1, "email": "a@b.c"]], "schema": [["name": "id", "type": "int"]]]))
        #expect(metadata["lineage"] == .json(["deps_by_column": ["id": [["asset_key": "raw", "column_name": "id"]]]]))
        #expect(metadata["unicode"] == .text("café 🚀"))
        #expect(metadata["exit_status"] == .int(0))
        #expect(metadata["command"]?.description.contains("report_everything.py") == true)
        let materialization = try #require(result.events.first { $0.event.type == .assetMaterialization })
        #expect(materialization.event.dataVersion == "v42")
        #expect(result.checkEvaluation("no_nulls", on: orders)?.passed == false)
        #expect(result.checkEvaluation("no_nulls", on: orders)?.severity == .warn)
        #expect(result.checkEvaluation("positive", on: orders)?.passed == true)
        let logs = result.events.filter { $0.event.type == .logs }.map { ($0.event.level, $0.event.message) }
        #expect(logs.map(\.0) == [.debug, .info, .warning, .error, .critical])
        #expect(logs[1].1.hasPrefix("partition=None extras={"))
        #expect(logs[1].1.contains("'foo': 'bar'") && logs[1].1.contains("'n': [1, 2]"))
        #expect(custom.withLock { $0 } == [["rows": [1, 2, 3]], "second"])
        #expect(capturedOutput(result).contains("plain stdout line\n"))
        #expect(engineMessages(result).isEmpty, "\(engineMessages(result))")
    }

    @Test func nonFiniteFloatsAndNonASCIILabelsAreStoredInSQLite() async throws {
        let asset = Asset.external("odd_numbers", command: PythonScripts.command("non_finite.py"))
        let directory = FileManager.default.temporaryDirectory.path + "/cairn-pipes-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(path: directory + "/cairn.sqlite")
        let run = try await Definitions(assets: [asset]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager())
        #expect(run.succeeded)
        let stored = try #require(try await storage.latestMaterializations(of: [asset.key])[asset.key])
        #expect(stored.event.metadata["nan"] == .text("NaN"))
        #expect(stored.event.metadata["inf"] == .text("-Infinity"))
        #expect(stored.event.metadata["größe"] == .int(3))
    }

    @Test func anExceptionFailsTheStepWithThePythonTraceback() async throws {
        let asset = Asset.external("fails", command: PythonScripts.command("raise_exception.py"))
        let result = try await materialize([asset])
        #expect(result.run.status == .failure)
        let error = try #require(stepFailure(result))
        #expect(error.type == "ValueError")
        #expect(error.message.contains("exited with status 1: ValueError: boom"))
        #expect(error.message.contains("caused by KeyError: 'missing'"))
        #expect(error.stack.contains { $0.contains("raise ValueError(\"boom\") from e") })
        #expect(result.logMessages == ["about to fail"])
    }

    @Test func anExceptionFailsTheStepEvenWhenTheProcessExitsZero() async throws {
        let asset = Asset.external("oom", command: PythonScripts.command("swallowed_exception.py"))
        let result = try await materialize([asset])
        #expect(result.run.status == .failure)
        let error = try #require(stepFailure(result))
        #expect(error.type == "MemoryError")
        #expect(error.message.contains("exited 0 but reported an exception"))
        #expect(error.message.contains("MemoryError: Java heap space"))
        #expect(result.events.filter { $0.event.type == .assetMaterialization }.isEmpty)
    }

    @Test func aNonZeroExitFailsWithTheStatusAndTheLastLinesOfStderr() async throws {
        let asset = Asset.external("dies", command: PythonScripts.command("exit_status.py"), extras: ["status": "3"])
        let result = try await materialize([asset])
        let error = try #require(stepFailure(result))
        #expect(error.message.contains("exited with status 3; the last lines of its stderr:"))
        #expect(error.message.contains("stderr line 29"))
        #expect(error.message.contains("stderr line 10"))
        #expect(!error.message.contains("stderr line 9\n"))
        #expect(engineMessages(result).contains { $0.contains("did not receive the closed message") })
        #expect(capturedOutput(result).contains("stderr line 0\n"))
    }

    @Test func aScriptWithoutPipesSucceedsWithAWarning() async throws {
        let asset = Asset.external("plain", command: PythonScripts.command("no_pipes.py"))
        let result = try await materialize([asset])
        #expect(result.run.status == .success)
        #expect(
            engineMessages(result).contains {
                $0.contains("did not receive any messages") && $0.contains("open_dagster_pipes()")
            })
        #expect(capturedOutput(result) == "I do my work without dagster-pipes\n")
    }

    @Test func aSessionThatIsNeverClosedGetsAWarning() async throws {
        let asset = Asset.external("unclosed", command: PythonScripts.command("no_close.py"))
        let result = try await materialize([asset])
        #expect(result.run.status == .success)
        #expect(engineMessages(result).contains { $0.contains("did not receive the closed message") })
        #expect(result.metadata(of: asset)?["rows"] == .int(1))
    }

    @Test func hostileMessagesAreWarnedAboutAndSkipped() async throws {
        let asset = Asset.external("hostile", command: PythonScripts.command("hostile_messages.py"))
        let result = try await materialize([asset])
        #expect(result.run.status == .success, "\(String(describing: stepFailure(result)))")
        let warnings = engineMessages(result).joined(separator: "\n")
        #expect(warnings.contains("is not valid JSON"))
        #expect(warnings.contains("unknown Pipes method 'teleport'"))
        #expect(warnings.contains("not valid UTF-8"))
        #expect(warnings.contains("messages are limited to \(Pipes.maxMessageBytes) bytes"))
        #expect(warnings.contains("not a Pipes message"))
        #expect(warnings.contains("nest more than 64 deep"))
        #expect(warnings.contains("metadata entry 'bad': type 'float' needs a number, got a string"))
        let odd = try #require(result.events.first { $0.event.message == "odd level" })
        #expect(odd.event.metadata["pipes_level"] == .text("NOTICE"))
        #expect(result.logMessages.contains("still talking"))
        #expect(result.metadata(of: asset)?["rows"] == .int(5))
        #expect(result.metadata(of: asset)?["bad"] == nil)
    }

    @Test func aSecondReportAndAnotherStepsAssetFailTheStep() async throws {
        let asset = Asset.external("twice", command: PythonScripts.command("duplicate_report.py"))
        let result = try await materialize([asset])
        let error = try #require(stepFailure(result))
        #expect(error.message.contains("a second materialization of 'twice'"))
        #expect(error.message.contains("asset 'someone/else', which its step does not produce"))
    }

    @Test func aMultiAssetReportsSeveralKeysAndTheRestIsMaterializedImplicitly() async throws {
        let specs = [
            AssetSpec(AssetKey(path: ["shop", "orders"]), codeVersion: "o-v1", checks: [AssetCheckSpec("has_rows")]),
            AssetSpec(AssetKey(path: ["shop", "customers"])),
            AssetSpec(AssetKey(path: ["shop", "summary"])),
        ]
        let tables = MultiAsset.external("shop_tables", specs: specs, command: PythonScripts.command("two_tables.py"))
        let result = try await materialize([tables])
        #expect(result.run.status == .success, "\(String(describing: stepFailure(result)))")
        let materializations = result.events.filter { $0.event.type == .assetMaterialization }.map(\.event)
        #expect(Set(materializations.compactMap(\.assetKey)) == Set(specs.map(\.key)))
        let orders = try #require(materializations.first { $0.assetKey == specs[0].key })
        #expect(orders.metadata["rows"] == .int(10))
        #expect(orders.dataVersion == "o1")
        let summary = try #require(materializations.first { $0.assetKey == specs[2].key })
        #expect(summary.metadata["rows"] == nil)
        #expect(summary.metadata["exit_status"] == .int(0))
        #expect(result.logMessages.first?.contains("'shop/orders': 'o-v1'") == true)
        #expect(
            result.events.contains {
                $0.event.type == .assetCheckEvaluation && $0.event.checkEvaluation?.passed == true
            })
    }

    @Test func eachPartitionRunGetsItsKeyAndTimeWindow() async throws {
        let daily = Asset.external(
            "daily_events", command: PythonScripts.command("partitioned.py"),
            partitions: .daily(start: "2024-03-01"))
        let storage = InMemoryStorage()
        for day in ["2024-03-04", "2024-03-05", "2024-03-06"] {
            let result = try await materialize([daily], partition: PartitionKey(day), storage: storage)
            let succeeded = result.succeeded
            #expect(succeeded, "\(String(describing: stepFailure(result)))")
            let metadata = try #require(result.metadata(of: daily))
            #expect(metadata["partition"] == .text(day))
            #expect(metadata["range"] == .text("\(day)..\(day)"))
            #expect(metadata["window_start"] == .text("\(day)T00:00:00+00:00"))
            let next = Calendar(identifier: .gregorian).date(
                byAdding: .day, value: 1, to: ISO8601DateFormatter().date(from: "\(day)T00:00:00Z")!)!
            #expect(
                metadata["window_end"] == .text(String(ISO8601DateFormatter().string(from: next).dropLast()) + "+00:00")
            )
            #expect(metadata["job"] == .text(Run.assetJobName))
            #expect(metadata["run_id"] == .text(result.run.runID.rawValue))
        }
    }

    @Test func aRetrySeesItsRetryNumber() async throws {
        let asset = Asset.external(
            "flaky", command: PythonScripts.command("flaky.py"), retryPolicy: RetryPolicy(maxRetries: 2))
        let result = try await materialize([asset])
        #expect(result.run.status == .success)
        #expect(result.metadata(of: asset)?["retry_number"] == .int(1))
        #expect(
            result.events.contains {
                $0.event.type == .stepUpForRetry && $0.event.message.contains("transient failure")
            })
        #expect(result.logMessages == ["attempt 0", "attempt 1"])
    }

    @Test func messagesOnStdoutAreSeparatedFromOutput() async throws {
        let asset = Asset.external("stdio", command: PythonScripts.command("stdio_messages.py"), messages: .stdout)
        let result = try await materialize([asset])
        #expect(result.run.status == .success)
        #expect(result.metadata(of: asset)?["channel"] == .text("stdout"))
        #expect(result.logMessages == ["a message on stdout"])
        let output = capturedOutput(result)
        #expect(output == "before opening\nordinary output between messages\nafter closing\n")
    }

    @Test func theBootstrapCanBeCommandLineArguments() async throws {
        let asset = Asset.external(
            "cli", command: PythonScripts.command("cli_arguments.py"), bootstrap: .arguments)
        let result = try await materialize([asset])
        #expect(result.run.status == .success, "\(String(describing: stepFailure(result)))")
        #expect(result.metadata(of: asset)?["bootstrap"] == .text("arguments"))
    }

    @Test func aPlainCommandIsCapturedAndItsExitStatusDecides() async throws {
        let ok = Asset.command("ok", command: ["sh", "-c", "echo out; echo err >&2"])
        let result = try await materialize([ok])
        #expect(result.run.status == .success)
        let metadata = try #require(result.metadata(of: ok))
        #expect(metadata["command"] == .text("sh -c 'echo out; echo err >&2'"))
        #expect(metadata["exit_status"] == .int(0))
        if case .float(let seconds)? = metadata["duration_s"] {
            #expect(seconds >= 0)
        } else {
            Issue.record("no duration")
        }
        let streams = result.events.filter { $0.event.type == .logsCaptured }.map {
            ($0.event.metadata["stream"]?.description ?? "", $0.event.message)
        }
        #expect(streams.contains { $0 == ("stdout", "out\n") })
        #expect(streams.contains { $0 == ("stderr", "err\n") })

        let bad = Asset.command("bad", command: ["sh", "-c", "echo broken >&2; exit 2"])
        let failed = try await materialize([bad])
        let error = try #require(stepFailure(failed))
        #expect(
            error.message
                == "external process `sh -c 'echo broken >&2; exit 2'` exited with status 2; the last lines of its stderr:\nbroken"
        )
    }

    @Test func aMissingExecutableFailsTheStepClearly() async throws {
        let asset = Asset.command("missing", command: ["no-such-program-for-cairn"])
        let result = try await materialize([asset])
        let error = try #require(stepFailure(result))
        #expect(error.message.contains("'no-such-program-for-cairn' was not found on PATH"))
    }
}

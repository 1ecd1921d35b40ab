import Cairn
import Foundation
import Logging

/// What one external process reported over Pipes, applied to its step as the messages arrive:
/// logs become LOGS events, materializations add metadata and data versions to the step's
/// assets, check results are reported, and what breaks the protocol is remembered as a problem
/// that fails the step once the process ended.
final class PipesSession {
    /// The most warnings about malformed messages recorded one by one; the rest are counted.
    static let maxWarnings = 20
    /// The most LOGS events one process records; the rest are counted.
    static let maxLogs = 100_000
    /// The most custom messages one process may send.
    static let maxCustomMessages = 10_000
    /// The most bytes of custom messages one process may send.
    static let maxCustomMessageBytes = 16 * 1024 * 1024
    /// The longest log message stored, in characters; longer ones are cut.
    static let maxLogCharacters = 64 * 1024
    /// The most check results one process may report.
    static let maxCheckReports = 10_000
    /// The most bytes of log messages one process may store.
    static let maxLogBytes = 64 * 1024 * 1024
    /// The most protocol problems kept one by one; the rest are counted.
    static let maxProblems = 20

    private let context: AssetContext
    private let output: OutputCapture
    private let encodedKeys: [String: AssetKey]

    private(set) var opened = false
    private(set) var closed = false
    private(set) var exception: PipesException?
    private var problemList: [String] = []
    private var uncountedProblems = 0
    private(set) var customMessages: [JSONValue] = []
    private(set) var materialized: [AssetKey] = []
    private var materializedSet: Set<AssetKey> = []
    private(set) var messageCount = 0
    private var warnings = 0
    private var unwarned = 0
    private var logs = 0
    private var logBytes = 0
    private var unknownMethods: Set<String> = []
    private var customMessageBytes = 0
    private var checkReports = 0

    init(context: AssetContext, output: OutputCapture) {
        self.context = context
        self.output = output
        encodedKeys = Dictionary(
            context.assetKeys.map { (PipesAssetKey.encode($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Handles a line of the message channel. With `requireVersion`, as on stdout/stderr, a line
    /// that is not a Pipes message is output; otherwise it is malformed.
    ///
    /// - Returns: whether the line was a message.
    @discardableResult
    func handle(line: ArraySlice<UInt8>, requireVersion: Bool) -> Bool {
        let trimmed = line.last == 0x0D ? line.dropLast() : line
        guard !trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return !requireVersion }
        let value: PipesValue
        do {
            value = try JSONReader.parse(Array(trimmed))
        } catch {
            if !requireVersion { warn("a message line is not valid JSON (\(error)): \(Self.excerpt(trimmed))") }
            return false
        }
        guard case .object = value, value["__dagster_pipes_version"] != nil else {
            if !requireVersion {
                warn(
                    "a line of the message file is not a Pipes message (no __dagster_pipes_version): \(Self.excerpt(trimmed))"
                )
            }
            return false
        }
        handle(message: value, bytes: trimmed.count)
        return true
    }

    /// Notes a line of the message channel that was longer than the bound and was skipped.
    func skippedOverlongLine(bytes: Int, bound: Int) {
        warn(
            "a message of \(bytes) bytes was skipped: messages are limited to \(bound) bytes; write large data to a file and report its path"
        )
    }

    private func handle(message: PipesValue, bytes: Int) {
        messageCount += 1
        guard let method = message["method"]?.string else {
            warn("a message has no method")
            return
        }
        let params = message["params"] ?? .object([])
        if closed, method != "log_external_stream" {
            context.recordEngineEvent("[pipes] unexpected message '\(method)' received after closed", level: .warning)
        }
        switch method {
        case "opened":
            opened = true
            context.recordEngineEvent("[pipes] external process successfully opened dagster pipes.", level: .debug)
        case "closed":
            closed = true
            if let reported = params["exception"].flatMap({ PipesException($0) }) {
                exception = reported
                context.recordEngineEvent(
                    "[pipes] external process pipes closed with exception: \(reported.message)", level: .error)
            } else {
                context.recordEngineEvent("[pipes] external process closed dagster pipes.", level: .debug)
            }
        case "log": log(params)
        case "report_asset_materialization": materialization(params)
        case "report_asset_check": check(params)
        case "report_custom_message":
            guard customMessages.count < Self.maxCustomMessages,
                customMessageBytes + bytes <= Self.maxCustomMessageBytes
            else {
                warn(
                    "custom messages are limited to \(Self.maxCustomMessages) and \(Self.maxCustomMessageBytes) bytes "
                        + "per process; one was dropped")
                return
            }
            customMessageBytes += bytes
            customMessages.append(params["payload"]?.jsonValue ?? .null)
        case "log_external_stream":
            guard let text = params["text"]?.string else {
                warn("log_external_stream without a string 'text'")
                return
            }
            output.append(Array(text.utf8), from: params["stream"]?.string == "stderr" ? .stderr : .stdout)
        default:
            if unknownMethods.count < 100, unknownMethods.insert(method).inserted {
                warn(
                    "unknown Pipes method '\(method)' was skipped; is the external process's dagster-pipes newer than Cairn?"
                )
            }
        }
    }

    private func log(_ params: PipesValue) {
        let size = params["message"]?.string?.utf8.count ?? 0
        guard logs < Self.maxLogs, logBytes + size <= Self.maxLogBytes else {
            if logs <= Self.maxLogs {
                warn(
                    "the process logged more than \(Self.maxLogs) messages or \(Self.maxLogBytes) bytes; "
                        + "the rest were not stored")
                logs = Self.maxLogs + 1
            }
            return
        }
        logs += 1
        logBytes += size
        let name = params["level"]?.string ?? "INFO"
        let level: Logger.Level
        var metadata: Logger.Metadata? = nil
        switch name.uppercased() {
        case "DEBUG": level = .debug
        case "INFO": level = .info
        case "WARNING", "WARN": level = .warning
        case "ERROR": level = .error
        case "CRITICAL", "FATAL": level = .critical
        default:
            level = .info
            metadata = ["pipes_level": .string(name)]
        }
        var message = params["message"]?.string ?? ""
        if message.count > Self.maxLogCharacters {
            message =
                "\(message.prefix(Self.maxLogCharacters))… (\(message.count - Self.maxLogCharacters) more characters)"
        }
        context.log.log(level: level, "\(message)", metadata: metadata)
    }

    /// The asset a report names, or the step's only asset when it names none.
    private func assetKey(of params: PipesValue, reporting what: String) -> AssetKey? {
        switch params["asset_key"] {
        case .string(let encoded)?:
            if let key = encodedKeys[encoded] { return key }
            let key = PipesAssetKey.decode(encoded)
            problem(
                "it reported \(what) for asset '\(key)', which its step does not produce (it produces "
                    + context.assetKeys.map { "'\($0)'" }.joined(separator: ", ") + ")")
            return nil
        case nil, .null?:
            guard context.assetKeys.count == 1 else {
                problem(
                    "it reported \(what) without an asset key, but its step produces \(context.assetKeys.count) "
                        + "assets; pass asset_key=")
                return nil
            }
            return context.assetKeys[0]
        case let other?:
            problem("it reported \(what) with an asset_key that is \(other.typeName), not a string")
            return nil
        }
    }

    private func materialization(_ params: PipesValue) {
        guard let key = assetKey(of: params, reporting: "a materialization") else { return }
        guard materializedSet.insert(key).inserted else {
            problem("it reported a second materialization of '\(key)'; report each asset once per process")
            return
        }
        materialized.append(key)
        if let version = params["data_version"]?.string { context.setDataVersion(version, for: key) }
        let (metadata, metadataProblems) = PipesMetadata.convert(params["metadata"])
        for problem in metadataProblems { warn("the materialization of '\(key)' has a bad \(problem); it was skipped") }
        context.addMetadata(metadata, for: key)
    }

    private func check(_ params: PipesValue) {
        guard checkReports < Self.maxCheckReports else {
            warn("check results are limited to \(Self.maxCheckReports) per process; one was dropped")
            return
        }
        checkReports += 1
        guard let key = assetKey(of: params, reporting: "a check") else { return }
        guard let name = params["check_name"]?.string else {
            problem("it reported a check on '\(key)' without a string check_name")
            return
        }
        guard case .bool(let passed)? = params["passed"] else {
            problem("it reported check '\(name)' on '\(key)' without a boolean 'passed'")
            return
        }
        let severity: CheckSeverity
        switch params["severity"]?.string ?? "ERROR" {
        case "ERROR": severity = .error
        case "WARN": severity = .warn
        case let other:
            problem("it reported check '\(name)' on '\(key)' with severity '\(other)'; use WARN or ERROR")
            return
        }
        let (metadata, metadataProblems) = PipesMetadata.convert(params["metadata"])
        for problem in metadataProblems { warn("check '\(name)' on '\(key)' has a bad \(problem); it was skipped") }
        context.report(CheckResult(passed: passed, severity: severity, metadata: metadata), for: name, asset: key)
    }

    /// What broke the protocol: the first `maxProblems`, then how many more.
    var problems: [String] {
        problemList + (uncountedProblems > 0 ? ["and \(uncountedProblems) more problems"] : [])
    }

    /// Remembers a problem that fails the step, the first `maxProblems`; counts the rest.
    private func problem(_ message: String) {
        guard problemList.count < Self.maxProblems else {
            uncountedProblems += 1
            return
        }
        problemList.append(message)
    }

    /// Records a warning about the protocol, the first `maxWarnings`; counts the rest.
    func warn(_ message: String) {
        guard warnings < Self.maxWarnings else {
            unwarned += 1
            return
        }
        warnings += 1
        context.recordEngineEvent("[pipes] \(message)", level: .warning)
    }

    /// Records the count of warnings that were not recorded one by one.
    func finish() {
        if unwarned > 0 {
            context.recordEngineEvent(
                "[pipes] \(unwarned) more warnings about malformed messages were not recorded", level: .warning)
        }
    }

    private static func excerpt(_ line: ArraySlice<UInt8>) -> String {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return line.count > 200 ? text + "…" : text
    }
}

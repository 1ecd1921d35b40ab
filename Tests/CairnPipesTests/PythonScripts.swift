import Foundation
import Testing

/// The Python of the checkout's venv, which `scripts/test` creates from requirements.txt with
/// dagster-pipes and pyspark, and the test scripts in Tests/Fixtures/pipes.
enum PythonScripts {
    /// The package's root directory.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `CAIRN_PYTHON`, or the checkout's `.venv/bin/python`.
    static let python = ProcessInfo.processInfo.environment["CAIRN_PYTHON"] ?? "\(root)/.venv/bin/python"

    /// The command that runs a test script with the venv's Python; fails the test when the venv
    /// is missing, instead of passing without running.
    static func command(_ script: String, _ arguments: String...) -> [String] {
        #expect(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python at \(python): run scripts/test, which creates .venv from requirements.txt")
        return [python, "\(root)/Tests/Fixtures/pipes/\(script)"] + arguments
    }
}

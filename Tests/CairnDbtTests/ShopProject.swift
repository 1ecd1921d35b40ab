import Cairn
import CairnDbt
import CairnPipes
import Foundation
import Testing

/// A copy of the Shop example's dbt project in a directory of its own, with its own DuckDB file,
/// so that each test can change it; and the checkout's venv, where dbt and Python are.
struct ShopProject {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let venv = "\(root)/.venv"

    let directory: String
    let database: String
    let project: DbtProject

    init() throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: "\(Self.venv)/bin/dbt"),
            "run scripts/test: it installs dbt-core and dbt-duckdb into .venv")
        let base = FileManager.default.temporaryDirectory.path + "/cairn-dbt-test-\(UUID().uuidString.lowercased())"
        directory = base + "/dbt"
        database = base + "/shop.duckdb"
        project = DbtProject(directory: directory, profilesDirectory: directory, dbtExecutable: "\(Self.venv)/bin/dbt")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Self.root)/Examples/Shop/dbt", toPath: directory)
        try? FileManager.default.removeItem(atPath: directory + "/target")
        try write(
            "profiles.yml",
            "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: \"\(database)\"\n      threads: 2\n"
        )
    }

    /// Writes a file of the project.
    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + path))
    }

    /// Appends to a file of the project.
    func append(_ path: String, _ text: String) throws {
        let old = try String(contentsOfFile: directory + "/" + path, encoding: .utf8)
        try write(path, old + text)
    }

    /// The Pipes asset that lands raw orders and payments, as in the example.
    var ingestion: MultiAsset {
        MultiAsset.external(
            "ingest_raw", specs: [AssetSpec("raw_orders"), AssetSpec("raw_payments")],
            command: ["\(Self.venv)/bin/python", "\(Self.root)/Examples/Shop/scripts/ingest.py"],
            extras: ["days": 5, "database": .string(database)])
    }

    /// Rows of a query on the project's DuckDB file, through Python's duckdb.
    func query(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.venv)/bin/python")
        process.arguments = [
            "-c",
            "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).execute(sys.argv[2]).fetchall())",
            database, sql,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path)
    }
}

import Cairn
import Foundation
import GRDB

/// The operational database the customers come from: a SQLite file with a `customers` table.
///
/// The file's path comes from `CUSTOMERS_DB`, by default `customers-operational.sqlite` in the
/// Cairn home. When the file does not exist, set-up creates it and seeds it with
/// `SyntheticCustomers`, so the example runs without any setup; the production database is never
/// seeded (`seedIfMissing: false`). Assets get a read-only connection.
struct OperationalDatabase: Resource {
    /// The path of the SQLite file.
    var path = EnvVar("CUSTOMERS_DB", default: OperationalDatabase.defaultPath)
    /// Whether a missing file is created and seeded with synthetic customers, or is an error.
    var seedIfMissing = true

    /// `customers-operational.sqlite` in the Cairn home (`$CAIRN_HOME`, else `.cairn`).
    static var defaultPath: String { CairnHome().path + "/customers-operational.sqlite" }

    /// Opens a read-only connection to the database, creating and seeding the file first if needed.
    func setUp(_ context: ResourceContext) async throws -> DatabaseQueue {
        let path = try context.value(of: path)
        if !FileManager.default.fileExists(atPath: path) {
            guard seedIfMissing else { throw OperationalDatabaseError.missing(path: path, variable: self.path.name) }
            try Self.createSeeded(at: path)
        }
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Closes the connection.
    func tearDown(_ connection: DatabaseQueue) async throws {
        try connection.close()
    }

    /// Creates the database at `path` with the synthetic customers; the file appears complete or
    /// not at all, even when two runs start at once.
    static func createSeeded(at path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = path + ".seeding-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        let queue = try DatabaseQueue(path: temporary)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE customers (
                        customer_id INTEGER,
                        name TEXT NOT NULL,
                        email TEXT NOT NULL,
                        signup_date TEXT NOT NULL,
                        last_purchase_date TEXT
                    )
                    """)
            for row in SyntheticCustomers.rows() {
                try db.execute(
                    sql: """
                        INSERT INTO customers (customer_id, name, email, signup_date, last_purchase_date)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [row.id, row.name, row.email, day(row.signupDate), row.lastPurchaseDate.map(day)])
            }
        }
        try queue.close()
        do {
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            // Another run seeded it first: use theirs.
            guard FileManager.default.fileExists(atPath: path) else { throw error }
        }
    }

    /// Reads every row of the `customers` table, in table order.
    static func customers(in connection: DatabaseQueue) async throws -> [RawCustomer] {
        try await connection.read { db in
            let sql = "SELECT customer_id, name, email, signup_date, last_purchase_date FROM customers ORDER BY rowid"
            return try Row.fetchAll(db, sql: sql).map { row in
                let signup: String? = row["signup_date"]
                let lastPurchase: String? = row["last_purchase_date"]
                guard let name: String = row["name"], let email: String = row["email"],
                    let signupDate = signup.flatMap(date(from:))
                else { throw OperationalDatabaseError.invalidRow(row.description) }
                return RawCustomer(
                    id: row["customer_id"], name: name, email: email, signupDate: signupDate,
                    lastPurchaseDate: lastPurchase.flatMap(date(from:)))
            }
        }
    }

    /// `2024-06-30`: how dates are written in the database.
    static func day(_ date: Date) -> String {
        String(date.ISO8601Format().prefix(10))
    }

    /// The date (midnight UTC) of a `2024-06-30` day, or `nil` when the text is not one.
    static func date(from day: String) -> Date? {
        try? Date(day + "T00:00:00Z", strategy: .iso8601)
    }
}

/// The key assets use to get a connection to the operational database.
let operationalDatabase = ResourceKey<OperationalDatabase>("operational_db")

/// What is wrong with the operational database.
enum OperationalDatabaseError: Error, CustomStringConvertible {
    /// The database file does not exist and may not be seeded.
    case missing(path: String, variable: String)
    /// A row of the `customers` table lacks a required column or has an unreadable date.
    case invalidRow(String)

    /// What is wrong and how to fix it.
    var description: String {
        switch self {
        case .missing(let path, let variable):
            "the operational database \(path) does not exist; set \(variable) to the path of an existing database"
        case .invalidRow(let row):
            "a row of the customers table has no name, no email or an unreadable date: \(row)"
        }
    }
}

/// The operational database was down: what `ExtractConfig.simulatedOutages` pretends.
struct SimulatedOutage: Error, CustomStringConvertible {
    /// Which failing attempt this is, from 1.
    let attempt: Int
    /// How many attempts fail.
    let outages: Int

    /// `the operational database did not answer (simulated outage 1 of 2)`.
    var description: String {
        "the operational database did not answer (simulated outage \(attempt) of \(outages))"
    }
}

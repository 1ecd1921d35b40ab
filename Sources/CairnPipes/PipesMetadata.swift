import Cairn
import Foundation

/// Turns the metadata of a Pipes message into Cairn's metadata values (section 7 of the
/// protocol): every entry is `{"raw_value": …, "type": …}`.
enum PipesMetadata {
    /// Why one entry could not be taken.
    struct Problem: Error, CustomStringConvertible {
        let label: String
        let reason: String
        var description: String { "metadata entry '\(label)': \(reason)" }
    }

    /// The entries that convert, and a problem for each that does not.
    static func convert(_ value: PipesValue?) -> (metadata: Metadata, problems: [Problem]) {
        guard case .object(let members) = value else { return ([:], []) }
        var metadata = Metadata()
        var problems: [Problem] = []
        for (label, entry) in members {
            do {
                metadata[label] = try convert(entry, label: label)
            } catch {
                problems.append(error)
            }
        }
        return (metadata, problems)
    }

    /// One entry.
    static func convert(_ entry: PipesValue, label: String) throws(Problem) -> MetadataValue {
        guard let raw = entry["raw_value"], let type = entry["type"]?.string else {
            throw Problem(label: label, reason: "expected {\"raw_value\": …, \"type\": …}, got \(entry.typeName)")
        }
        func mismatch(_ expected: String) -> Problem {
            Problem(label: label, reason: "type '\(type)' needs \(expected), got \(raw.typeName)")
        }
        switch (type, raw) {
        case ("__infer__", _): return infer(raw)
        case ("text", .string(let text)): return .text(text)
        case ("url", .string(let text)): return .url(text)
        case ("path", .string(let text)), ("notebook", .string(let text)): return .path(text)
        case ("md", .string(let text)): return .markdown(text)
        case ("json", .object), ("json", .array): return .json(raw.jsonValue)
        case ("float", .float(let number)): return finite(number)
        case ("float", .int(let number)): return .float(Double(number))
        case ("int", .int(let number)): return .int(number)
        case ("int", .bigInteger(let digits)): return .text(digits)
        case ("bool", .bool(let flag)): return .bool(flag)
        case ("dagster_run", .string(let id)): return .run(RunID(id))
        case ("asset", .string(let key)): return .assetKey(AssetKey(path: key.split(separator: "/").map(String.init)))
        case ("null", _): return .json(.null)
        case ("timestamp", .int(let seconds)): return .timestamp(Date(timeIntervalSince1970: Double(seconds)))
        case ("timestamp", .float(let seconds)) where seconds.isFinite:
            return .timestamp(Date(timeIntervalSince1970: seconds))
        case ("table_schema", .object):
            guard case .array(let columns)? = raw["columns"] else { throw mismatch("{\"columns\": [...]}") }
            return .tableSchema(
                TableSchema(
                    columns: try columns.map { column throws(Problem) in try self.column(column, label: label) }))
        case ("table", .object):
            guard case .array? = raw["records"] else { throw mismatch("{\"records\": [...], \"schema\": [...]}") }
            return .json(raw.jsonValue)
        case ("table_column_lineage", .object):
            guard case .object? = raw["deps_by_column"] else { throw mismatch("{\"deps_by_column\": {...}}") }
            return .json(raw.jsonValue)
        case ("text", _), ("url", _), ("path", _), ("notebook", _), ("md", _), ("dagster_run", _), ("asset", _):
            throw mismatch("a string")
        case ("json", _): throw mismatch("an object or an array")
        case ("float", _), ("timestamp", _): throw mismatch("a number")
        case ("int", _): throw mismatch("an integer")
        case ("bool", _): throw mismatch("a boolean")
        case ("table_schema", _), ("table", _), ("table_column_lineage", _): throw mismatch("an object")
        default:
            throw Problem(label: label, reason: "unknown metadata type '\(type)'")
        }
    }

    /// The `__infer__` rule: a string is text, a number with a fraction or exponent a float, an
    /// integer an int, a boolean a bool, an array or object JSON.
    static func infer(_ raw: PipesValue) -> MetadataValue {
        switch raw {
        case .string(let text): .text(text)
        case .float(let number): finite(number)
        case .int(let number): .int(number)
        case .bigInteger(let digits): .text(digits)
        case .bool(let flag): .bool(flag)
        case .null, .array, .object: .json(raw.jsonValue)
        }
    }

    /// A float; NaN and the infinities as text (`NaN`, `Infinity`), as every reader of the
    /// metadata (JSON, GraphQL, plots) can take them, while a float of them only the event log can.
    private static func finite(_ number: Double) -> MetadataValue {
        guard !number.isFinite else { return .float(number) }
        return .text(number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity")
    }

    private static func column(_ value: PipesValue, label: String) throws(Problem) -> TableSchema.Column {
        guard let name = value["name"]?.string, let type = value["type"]?.string else {
            throw Problem(label: label, reason: "a table schema column needs a string 'name' and 'type'")
        }
        return TableSchema.Column(name: name, type: type, description: value["description"]?.string)
    }
}

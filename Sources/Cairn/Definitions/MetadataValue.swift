import Foundation

/// One typed metadata value, attached to a definition or to a materialization.
///
/// Literals make the common cases short: `["rows": 42, "mean": 3.5, "source": "api"]`.
public enum MetadataValue: Hashable, Sendable {
    /// Plain text.
    case text(String)
    /// Markdown, rendered by the UI.
    case markdown(String)
    /// An integer; numeric values are plotted over time.
    case int(Int)
    /// A floating-point number; numeric values are plotted over time.
    case float(Double)
    /// A boolean.
    case bool(Bool)
    /// A file system path.
    case path(String)
    /// A URL, shown as a link.
    case url(String)
    /// Any JSON value.
    case json(JSONValue)
    /// A point in time.
    case timestamp(Date)
    /// The columns of a table.
    case tableSchema(TableSchema)
    /// A reference to an asset, shown as a link to it.
    case assetKey(AssetKey)
    /// A reference to a run, shown as a link to it.
    case run(RunID)

    /// The name of the case, as stored: `text`, `int`, `table_schema`, ...
    public var typeName: String {
        switch self {
        case .text: "text"
        case .markdown: "markdown"
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .path: "path"
        case .url: "url"
        case .json: "json"
        case .timestamp: "timestamp"
        case .tableSchema: "table_schema"
        case .assetKey: "asset"
        case .run: "run"
        }
    }

    /// The value as a number, for plots; `nil` for values that are not numeric.
    public var numericValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }
}

extension MetadataValue: CustomStringConvertible {
    /// The value as text for the CLI: one line, except markdown and table schemas (a markdown table).
    public var description: String {
        switch self {
        case .text(let value), .markdown(let value), .path(let value), .url(let value): value
        case .int(let value): String(value)
        case .float(let value): String(value)
        case .bool(let value): String(value)
        case .json(let value): value.description
        case .timestamp(let value): value.formatted(.iso8601)
        case .tableSchema(let schema): schema.markdown
        case .assetKey(let key): key.description
        case .run(let id): id.rawValue
        }
    }
}

extension MetadataValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    /// A string literal is text.
    public init(stringLiteral value: String) { self = .text(value) }
    /// An integer literal is an int.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A floating-point literal is a float.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A boolean literal is a bool.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MetadataValue: Codable {
    private enum CodingKeys: String, CodingKey { case type, value }

    /// Decodes `{"type": "int", "value": 3}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text(try container.decode(String.self, forKey: .value))
        case "markdown": self = .markdown(try container.decode(String.self, forKey: .value))
        case "int": self = .int(try container.decode(Int.self, forKey: .value))
        case "float":
            if let number = try? container.decode(Double.self, forKey: .value) {
                self = .float(number)
            } else if let name = try? container.decode(String.self, forKey: .value), let number = Double(name),
                !number.isFinite
            {
                self = .float(number)
            } else {
                throw DecodingError.dataCorruptedError(
                    forKey: .value, in: container, debugDescription: "a float is a number, NaN, Infinity or -Infinity")
            }
        case "bool": self = .bool(try container.decode(Bool.self, forKey: .value))
        case "path": self = .path(try container.decode(String.self, forKey: .value))
        case "url": self = .url(try container.decode(String.self, forKey: .value))
        case "json": self = .json(try container.decode(JSONValue.self, forKey: .value))
        case "timestamp":
            self = .timestamp(Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .value)))
        case "table_schema": self = .tableSchema(try container.decode(TableSchema.self, forKey: .value))
        case "asset": self = .assetKey(try container.decode(AssetKey.self, forKey: .value))
        case "run": self = .run(RunID(try container.decode(String.self, forKey: .value)))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown metadata type '\(type)'")
        }
    }

    /// `NaN`, `Infinity` or `-Infinity`: how a float JSON cannot hold as a number is written.
    static func name(of nonFinite: Double) -> String {
        nonFinite.isNaN ? "NaN" : nonFinite > 0 ? "Infinity" : "-Infinity"
    }

    /// Encodes as `{"type": "int", "value": 3}`; timestamps as seconds since 1970; a float that
    /// is NaN or infinite by its name, which JSON cannot hold as a number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .text(let value), .markdown(let value), .path(let value), .url(let value):
            try container.encode(value, forKey: .value)
        case .int(let value): try container.encode(value, forKey: .value)
        case .float(let value) where !value.isFinite: try container.encode(Self.name(of: value), forKey: .value)
        case .float(let value): try container.encode(value, forKey: .value)
        case .bool(let value): try container.encode(value, forKey: .value)
        case .json(let value): try container.encode(value, forKey: .value)
        case .timestamp(let value): try container.encode(value.timeIntervalSince1970, forKey: .value)
        case .tableSchema(let value): try container.encode(value, forKey: .value)
        case .assetKey(let key): try container.encode(key, forKey: .value)
        case .run(let id): try container.encode(id.rawValue, forKey: .value)
        }
    }
}

import Foundation

/// The unique name of an asset: a path such as `["warehouse", "orders"]`, written `warehouse/orders`.
///
/// ```swift
/// let key: AssetKey = "warehouse/orders"
/// key.path          // ["warehouse", "orders"]
/// key.description   // "warehouse/orders"
/// ```
public struct AssetKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringInterpolation
{
    /// The components of the key, from the outermost prefix to the name.
    public let path: [String]

    /// Creates a key from its components.
    public init(path: [String]) {
        self.path = path
    }

    /// Creates a key from its written form, with `/` between components (`warehouse/orders`).
    public init(_ string: String) {
        self.path = string.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    /// Creates a key from a string literal written as `warehouse/orders`.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Creates a key from an interpolated literal, as asset factories write them: `"raw/\(table)"`.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }

    /// The key written with `/` between its components.
    public var description: String { path.joined(separator: "/") }

    /// The last component of the path: the asset's own name.
    public var name: String { path.last ?? "" }

    /// The key with another component appended.
    public func appending(_ component: String) -> AssetKey {
        AssetKey(path: path + [component])
    }

    /// The key with the given prefix components put in front.
    public func prefixed(with prefix: [String]) -> AssetKey {
        AssetKey(path: prefix + path)
    }

    /// Orders keys by their written form.
    public static func < (lhs: AssetKey, rhs: AssetKey) -> Bool {
        lhs.path.lexicographicallyPrecedes(rhs.path)
    }

    /// Decodes a key from its written form.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the key as its written form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// What is wrong with this key, or `nil` when it is valid.
    ///
    /// Each component must be non-empty and made of ASCII letters, digits, `_` and `-`.
    public var validationProblem: String? {
        if path.isEmpty || path == [""] {
            return "an asset key must not be empty"
        }
        for component in path {
            if let problem = Name.problem(with: component) {
                return "'\(description)' is not a valid asset key: component '\(component)' \(problem)"
            }
        }
        return nil
    }
}

/// The rule shared by asset key components, group names and other identifiers.
enum Name {
    /// What is wrong with `name`, phrased to follow its quoted value, or `nil` when it is valid.
    static func problem(with name: String) -> String? {
        if name.isEmpty {
            return "is empty (a key is written 'prefix/name' with no leading, trailing or double '/')"
        }
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        if !allowed {
            return "may only contain ASCII letters, digits, '_' and '-'"
        }
        return nil
    }
}

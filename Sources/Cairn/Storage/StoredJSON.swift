import Foundation

/// The JSON form storages keep values in (run tags, run config, bodies): compact, with sorted keys.
public enum StoredJSON {
    /// An encoder of compact JSON text with sorted keys, to reuse for many values.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A value as compact JSON text with sorted keys.
    public static func text(_ value: some Encodable, encoder: JSONEncoder = makeEncoder()) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The decoder of stored JSON, made once: thousands of records are decoded per read.
    public static let decoder = JSONDecoder()
}

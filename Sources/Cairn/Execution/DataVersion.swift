import Foundation

/// How Cairn derives data versions: a short hash that changes when the data changes.
///
/// An asset may set its own with `context.setDataVersion(_:)`. Otherwise the version of a stored
/// value is the hash of its JSON encoding; for an asset that stores nothing (`Nothing`) it is the
/// hash of its code version and its inputs' versions, or of the run when it has no code version.
enum DataVersion {
    /// The version of a value: the FNV-1a hash of its JSON encoding, with sorted keys.
    static func of<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return hash(try encoder.encode(value))
    }

    /// The version derived from what a materialization was computed from.
    static func derived(from provenance: DataProvenance, runID: RunID) -> String {
        guard let codeVersion = provenance.codeVersion else { return hash(Data(runID.rawValue.utf8)) }
        let inputs = provenance.inputDataVersions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return hash(Data(([codeVersion] + inputs).joined(separator: "\n").utf8))
    }

    /// The version of several upstream partitions read together: the one partition's version, or
    /// a hash of every `key=version`; `missing` stands for a partition never materialized.
    static func combined(_ versions: [PartitionKey: String?]) -> String {
        if versions.count == 1, let version = versions.first!.value { return version }
        let lines = versions.map { "\($0.key)=\($0.value ?? "missing")" }.sorted()
        return hash(Data(lines.joined(separator: "\n").utf8))
    }

    /// 16 hex digits of the 64-bit FNV-1a hash of `data`.
    static func hash(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

import Cairn
import Foundation

/// The context JSON an external process reads through `open_dagster_pipes()`: the ten keys of
/// the protocol, every one present.
enum PipesContextData {
    /// The context of the step `context` runs, with the user's extras.
    ///
    /// Unlike Dagster, a step over a range of several partitions gets the range and its time
    /// window (its `partition_key` stays `null`).
    static func make(for context: AssetContext, extras: [String: JSONValue]) async throws -> JSONValue {
        let keys = context.assetKeys
        let encodedKeys = keys.map(PipesAssetKey.encode)
        let previous = try await context.previousMaterializations(of: keys)
        var codeVersions: [String: JSONValue] = [:]
        var provenance: [String: JSONValue] = [:]
        for (key, encoded) in zip(keys, encodedKeys) {
            codeVersions[encoded] = context.codeVersion(of: key).map(JSONValue.string) ?? .null
            provenance[encoded] =
                previous[key]?.event.provenance.map { provenance in
                    .object([
                        "code_version": provenance.codeVersion.map(JSONValue.string) ?? .null,
                        "input_data_versions": .object(
                            provenance.inputDataVersions.mapValues { .string($0) }.reduce(into: [:]) { result, entry in
                                result[PipesAssetKey.encode(AssetKey(entry.key))] = entry.value
                            }),
                        "is_user_provided": .bool(false),
                    ])
                } ?? .null
        }
        var partitionKey = JSONValue.null
        var partitionRange = JSONValue.null
        var timeWindow = JSONValue.null
        if context.isPartitioned {
            let partitionKeys = try context.partitionKeys
            if partitionKeys.count == 1 { partitionKey = .string(partitionKeys[0].rawValue) }
            let range = try context.partitionKeyRange
            partitionRange = .object(["start": .string(range.start.rawValue), "end": .string(range.end.rawValue)])
            if let window = try? context.partitionTimeWindow {
                timeWindow = .object([
                    "start": .string(ISO8601Timestamp.formatWithOffset(window.start)),
                    "end": .string(ISO8601Timestamp.formatWithOffset(window.end)),
                ])
            }
        }
        return .object([
            "asset_keys": .array(encodedKeys.map(JSONValue.string)),
            "code_version_by_asset_key": .object(codeVersions),
            "provenance_by_asset_key": .object(provenance),
            "partition_key": partitionKey,
            "partition_key_range": partitionRange,
            "partition_time_window": timeWindow,
            "run_id": .string(context.runID.rawValue),
            "job_name": context.jobName.map(JSONValue.string) ?? .null,
            "retry_number": .number(Double(context.retryNumber)),
            "extras": .object(extras),
        ])
    }
}

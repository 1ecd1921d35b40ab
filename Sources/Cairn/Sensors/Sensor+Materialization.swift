import Foundation

extension Sensor {
    /// The most materialization events an asset sensor reads per evaluation; the rest are read
    /// at the next.
    public static let materializationBatch = 1000

    /// An asset sensor: requests one run of `select` per new materialization of any of `keys`,
    /// with the event's id as run key. Its cursor is the id of the last event it read, so a
    /// materialization is never requested twice and nothing is requested when nothing changed.
    ///
    /// ```swift
    /// Sensor.onMaterialization(of: ["daily_temperature_highs"], name: "highs_updated", select: "key:hottest_dates")
    /// ```
    public static func onMaterialization(
        of keys: [AssetKey], name: String, select: String, minimumInterval: Duration = .seconds(30),
        defaultStatus: ScheduleStatus = .stopped, file: String = #fileID, line: Int = #line
    ) -> Sensor {
        let watched = Set(keys)
        return Sensor(
            name, select: select, minimumInterval: minimumInterval, defaultStatus: defaultStatus,
            description: "Runs when \(keys.map(\.description).joined(separator: ", ")) is materialized",
            file: file, line: line
        ) { context in
            let records = try await context.storage.events(
                after: context.cursor.flatMap { Int64($0) }, types: [.assetMaterialization],
                limit: materializationBatch)
            guard let last = records.last else { return .skip("no new materialization") }
            let requests = records.filter { $0.event.assetKey.map(watched.contains) ?? false }.map { record in
                RunRequest(runKey: "\(record.id)")
            }
            guard !requests.isEmpty else { return .skip("no new materialization", cursor: "\(last.id)") }
            return SensorResult(runRequests: requests, cursor: "\(last.id)")
        }
    }
}

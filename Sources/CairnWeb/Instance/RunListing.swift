import Cairn
import Foundation

/// The runs the runs page and the API list, newest first: by status and tag in storage, by job
/// (or selection) and day while reading pages of those, until a page is full.
struct RunListing: Sendable {
    /// How many runs storage is asked for at once.
    private static let batchSize = 200

    /// The storage's part of the filter.
    let filter: RunFilter
    /// Only runs of this job, or launched with this selection.
    let job: String?
    /// Only runs created on this day (UTC), given by its midnight.
    let day: Date?

    /// The filter of the given texts, as a user types them.
    ///
    /// - Parameters:
    ///   - statuses: run statuses such as `FAILURE`, in any case.
    ///   - tag: `key=value`.
    ///   - date: `YYYY-MM-DD`.
    /// - Throws: `WebError.badRequest` naming the malformed value and what it should look like.
    init(statuses: [String], tag: String?, job: String?, date: String?) throws(WebError) {
        var parsed: Set<RunStatus> = []
        for text in statuses {
            guard let status = RunStatus(rawValue: text.uppercased()) else {
                throw .badRequest(
                    "unknown run status '\(text)'; use one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            parsed.insert(status)
        }
        var tags: [String: String] = [:]
        if let tag {
            let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw .badRequest("a tag filter is key=value, got '\(tag)'") }
            tags[parts[0]] = parts[1]
        }
        var day: Date?
        if let date {
            guard let midnight = ISO8601Timestamp.parse(date + "T00:00:00Z") else {
                throw .badRequest("a date filter is YYYY-MM-DD, got '\(date)'")
            }
            day = midnight
        }
        self.filter = RunFilter(statuses: parsed, tags: tags)
        self.job = job
        self.day = day
    }

    /// At most `limit` runs after the run `cursor`, and whether more follow.
    func page(after cursor: RunID?, limit: Int, storage: any RunStorage) async throws -> (runs: [Run], hasMore: Bool) {
        var runs: [Run] = []
        var cursor = cursor
        while true {
            let batch = try await storage.runs(matching: filter, limit: Self.batchSize, after: cursor)
            for run in batch {
                if let day, run.createdAt >= day.addingTimeInterval(86_400) { continue }
                // Newest first: once a run is older than the day, so are all that follow.
                if let day, run.createdAt < day { return (runs, false) }
                if let job, run.jobName != job, run.selection != job { continue }
                guard runs.count < limit else { return (runs, true) }
                runs.append(run)
            }
            guard batch.count == Self.batchSize, let last = batch.last else { return (runs, false) }
            cursor = last.id
        }
    }
}

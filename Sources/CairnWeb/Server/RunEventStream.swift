import Cairn
import Foundation
import Hummingbird

/// `/runs/<id>/events`: a run's new events as Server-Sent Events while it goes on. Each `record`
/// event carries the log row and the run's status; an `end` event follows once the run ended.
struct RunEventStream: Sendable {
    let site: WebSite

    /// How often storage is read for new events: runs may execute in other processes.
    static let pollInterval = Duration.milliseconds(250)

    func response(for id: RunID, after cursor: Int64?) -> Response {
        let storage = site.storage
        let body = ResponseBody { writer in
            var cursor = cursor
            while !Task.isCancelled {
                guard let run = try await storage.run(id) else { break }
                let records = try await storage.events(ofRun: id, after: cursor, limit: 500)
                for record in records {
                    let data = JSONValue.object([
                        "id": .string(String(record.id)), "row": .string(RunPage.row(record)),
                        "status": .string(run.status.rawValue),
                    ])
                    try await writer.write(ByteBuffer(string: "id: \(record.id)\nevent: record\ndata: \(data)\n\n"))
                }
                cursor = records.last?.id ?? cursor
                if run.status.isTerminal && records.count < 500 {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: \(run.status.rawValue)\n\n"))
                    break
                }
                if records.isEmpty { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                try await Task.sleep(for: Self.pollInterval)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }
}

import Cairn
import Foundation
import Logging
import PostgresNIO

extension PostgresStorage {
    /// The channel on which queued runs are announced: one per schema, so that instances sharing
    /// a database in several schemas do not wake each other.
    var queueChannel: String { "cairn_queue_" + schema }

    /// Announces, when the transaction of `connection` commits, that runs were queued.
    func notifyRunsQueued(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(queueChannel), '')", logger: Self.logger)
    }

    /// An element each time runs were queued in this storage, by any process on any host: created
    /// queued, re-executed, or released by a backfill. It listens on a connection of its own (LISTEN),
    /// connecting again a second after it is lost, until the sequence is no longer iterated.
    public func queuedRunNotifications(logger: Logger) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let location = location
        let channel = queueChannel
        let task = Task {
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        configuration: try location.connectionConfiguration(), id: 1, logger: Self.logger)
                    do {
                        try await connection.listen(on: channel) { notifications in
                            // Runs queued while no one listened are found by the queue's next look.
                            continuation.yield()
                            for try await _ in notifications { continuation.yield() }
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch {
                    if Task.isCancelled { break }
                    logger.warning(
                        "Listening for queued runs at \(location) failed, again in 1 s: \(PostgresStorageError.reason(error))"
                    )
                }
                try? await Task.sleep(for: .seconds(1))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

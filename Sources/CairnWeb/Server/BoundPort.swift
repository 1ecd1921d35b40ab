import Synchronization

/// The port the server listens on once it is bound: the configured one, or the free port the
/// system chose for port 0. Requests must name it in their `Host`.
final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)

    /// The bound port, `nil` before the server is bound.
    var value: Int? { port.withLock { $0 } }

    /// Records the port the server was bound to.
    func set(_ value: Int) {
        port.withLock { $0 = value }
    }
}

import Foundation
import Synchronization

/// Slows down guessing passwords: after `maxFailures` failed logins from one client within
/// `window`, that client's logins are refused until the window has passed since its oldest
/// counted failure. Clients are held in memory, at most `maxClients` (the oldest are dropped).
final class LoginThrottle: Sendable {
    /// Failed logins allowed per client within `window`.
    let maxFailures: Int
    /// How long a failure counts.
    let window: TimeInterval
    /// The most clients remembered.
    let maxClients: Int
    private let failures = Mutex<[String: [Date]]>([:])

    /// Creates a throttle.
    init(maxFailures: Int = 5, window: TimeInterval = 60, maxClients: Int = 10_000) {
        self.maxFailures = maxFailures
        self.window = window
        self.maxClients = maxClients
    }

    /// Counts a login attempt of `client` before its credentials are checked, in one step so that
    /// parallel attempts cannot pass the limit together; `reset` forgets it when the login succeeds.
    ///
    /// - Returns: how long `client` must wait before its next attempt, `nil` when this one may go on.
    func attempt(by client: String, now: Date) -> TimeInterval? {
        failures.withLock { failures in
            let recent = (failures[client] ?? []).filter { now.timeIntervalSince($0) < window }
            if recent.count >= maxFailures, let oldest = recent.first {
                failures[client] = recent
                return window - now.timeIntervalSince(oldest)
            }
            if recent.isEmpty, failures.count >= maxClients,
                let oldest = failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) })
            {
                failures[oldest.key] = nil
            }
            failures[client] = recent + [now]
            return nil
        }
    }

    /// The key of a client address: the address itself for IPv4, its /64 network for IPv6, which
    /// one client holds whole.
    static func client(ofAddress address: String) -> String {
        guard address.contains(":") else { return address }
        let groups = address.split(separator: ":", omittingEmptySubsequences: false)
        guard !address.contains("::") || groups.count >= 4 else { return address }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }

    /// Forgets the failures of `client`, once it logged in.
    func reset(_ client: String) {
        _ = failures.withLock { $0.removeValue(forKey: client) }
    }
}

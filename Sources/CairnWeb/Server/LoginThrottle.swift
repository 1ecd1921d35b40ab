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

    /// How long `client` must wait before its next login is tried, or `nil` when it may log in now.
    func wait(for client: String, now: Date) -> TimeInterval? {
        failures.withLock { failures in
            let recent = (failures[client] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[client] = recent.isEmpty ? nil : recent
            guard recent.count >= maxFailures, let oldest = recent.first else { return nil }
            return window - now.timeIntervalSince(oldest)
        }
    }

    /// Counts a failed login of `client`.
    func recordFailure(of client: String, now: Date) {
        failures.withLock { failures in
            if failures[client] == nil, failures.count >= maxClients,
                let oldest = failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) })
            {
                failures[oldest.key] = nil
            }
            failures[client, default: []].append(now)
        }
    }

    /// Forgets the failures of `client`, once it logged in.
    func reset(_ client: String) {
        _ = failures.withLock { $0.removeValue(forKey: client) }
    }
}

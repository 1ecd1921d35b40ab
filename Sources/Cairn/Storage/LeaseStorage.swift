import Foundation

/// Storage of leases: named rights to do a piece of work alone for a while, which processes on
/// any number of hosts ask for, so that each daemon service does its rounds in one process at a
/// time and another takes over within a lease's duration when that process dies.
///
/// A lease has a fencing token that grows each time it changes holder: work that records the
/// token it was done under can be told apart from the work of a holder that lost the lease while
/// paused. Taking, renewing and expiring a lease are decided atomically by the storage.
public protocol LeaseStorage: Sendable {
    /// Takes the lease `name` for `holder` until `now + duration`, when it is free, expired at
    /// `now`, or held by `holder` already (which renews it, keeping its token).
    ///
    /// - Returns: the lease as now held, or `nil` when another holder has it unexpired.
    func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease?

    /// Gives the lease `name` up at once if `holder` has it, so another can take it without waiting
    /// for it to expire; its token stays, and grows with the next holder.
    func releaseLease(_ name: String, holder: String) async throws

    /// Every lease ever taken, by name, with its current or last holder.
    func leases() async throws -> [Lease]
}

/// A named right to do a piece of work alone until it expires (`LeaseStorage`).
public struct Lease: Hashable, Sendable {
    /// What the lease is for, such as `daemon:run_queue`.
    public var name: String
    /// Who holds it (or held it last): a daemon's or worker's id.
    public var holder: String
    /// Grows by one each time the lease changes holder.
    public var token: Int64
    /// When it expires unless renewed; a released lease has expired.
    public var expiresAt: Date

    /// Creates a lease record.
    public init(name: String, holder: String, token: Int64, expiresAt: Date) {
        self.name = name
        self.holder = holder
        self.token = token
        self.expiresAt = expiresAt
    }
}

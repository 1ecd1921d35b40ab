/// The outcome of claiming a slot of a concurrency pool.
public enum PoolSlotClaim: Hashable, Sendable {
    /// The step holds a slot: a new one, or the one it already held.
    case claimed
    /// Every slot is held by other steps; the step should wait and claim again.
    case full(limit: Int, inUse: Int)
}

import Synchronization

/// The health of every asset as of the instance's latest event: the overview, a catalog filtered
/// by status and the whole graph over GraphQL read it again only once an event was stored since
/// (runs change status through events too, so the latest event id says whether anything changed).
final class AssetHealthCache: Sendable {
    private let entry = Mutex<(eventID: Int64?, health: AssetHealth)?>(nil)

    /// The health computed when the latest event was `eventID`, if that is the one cached.
    func health(at eventID: Int64?) -> AssetHealth? {
        entry.withLock { cached in
            guard let cached, cached.eventID == eventID else { return nil }
            return cached.health
        }
    }

    /// Keeps `health`, computed when the latest event was `eventID`.
    func store(_ health: AssetHealth, at eventID: Int64?) {
        entry.withLock { $0 = (eventID, health) }
    }
}

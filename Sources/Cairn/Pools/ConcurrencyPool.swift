/// A concurrency pool as storage lists it: its limit and the steps holding its slots.
public struct ConcurrencyPool: Hashable, Sendable {
    /// The pool's name, as steps give it (`pool: "api"`).
    public var name: String
    /// The limit set for the pool; `nil` when the default limit applies.
    public var limit: Int?
    /// The slots held by steps of runs that have not ended, oldest first.
    public var claims: [PoolClaim]

    /// Creates a pool record.
    public init(name: String, limit: Int?, claims: [PoolClaim] = []) {
        self.name = name
        self.limit = limit
        self.claims = claims
    }

    /// What is wrong with `name` as a pool name, or `nil` when it is a valid one: not empty, and
    /// without spaces or control characters, so that it can be typed on a command line.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty {
            return "a pool name must not be empty; name the shared resource, as in pool: \"api\""
        }
        if name.unicodeScalars.contains(where: {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }) {
            let suggestion = name.split(whereSeparator: \.isWhitespace).joined(separator: "_")
            return "pool name '\(name)' contains whitespace or control characters; "
                + (suggestion.isEmpty ? "use a name such as 'api'" : "use '\(suggestion)' instead")
        }
        return nil
    }

    /// Throws when `limit` cannot be set for `pool` (`nil` for the default limit): an invalid
    /// name or a negative limit. Storages call it before storing a limit.
    public static func validate(limit: Int, for pool: String?) throws(ConcurrencyPoolError) {
        if let pool, let problem = problem(withName: pool) {
            throw .invalidName(pool, problem: problem)
        }
        if limit < 0 {
            throw .negativeLimit(limit, pool: pool)
        }
    }
}

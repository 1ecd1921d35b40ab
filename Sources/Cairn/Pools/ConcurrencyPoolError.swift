/// Why a concurrency pool's limit cannot be set.
public enum ConcurrencyPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pool name is empty or contains whitespace; the message says which and what to use.
    case invalidName(String, problem: String)
    /// A limit below zero; `pool` is `nil` for the default limit.
    case negativeLimit(Int, pool: String?)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidName(_, let problem):
            problem
        case .negativeLimit(let limit, let pool?):
            "the limit of pool '\(pool)' must be 0 or more, not \(limit); 0 holds its steps back, "
                + "and `pool delete \(pool)` removes the limit"
        case .negativeLimit(let limit, nil):
            "the default pool limit must be 0 or more, not \(limit); `pool default --unset` removes it"
        }
    }
}

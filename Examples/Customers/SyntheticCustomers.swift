import Foundation

/// The synthetic customers the operational database is seeded with: always the same ones, so
/// that every run of the example gives the same numbers.
///
/// 300 customers with ids 1 to 300 (signed up over the two years before `referenceDate`, in id
/// order), plus what real operational data has: 4 rows without an id, 2 customers listed twice,
/// 6 emails that are not addresses, and many emails in mixed case or with spaces around them.
enum SyntheticCustomers {
    /// How many distinct customers with an id there are.
    static let count = 300
    /// The ids whose email is replaced by something that is not an address.
    static let invalidEmails: [Int: String] = [
        17: "not-an-email", 58: "jane.doe@", 99: "@example.com", 140: "bob at example.com",
        201: "alice@@example.com", 262: "carol@example",
    ]
    /// The ids after which a row without an id is inserted.
    static let nullIDsAfter: Set<Int> = [50, 120, 199, 260]
    /// The ids that appear a second time, right after their first row.
    static let duplicated: Set<Int> = [42, 150]

    private static let firstNames = [
        "Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "John",
        "Katherine", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Shafi", "Tim", "Whitfield", "Yukihiro",
    ]
    private static let lastNames = [
        "Allen", "Backus", "Cerf", "Dijkstra", "Engelbart", "Floyd", "Goldwasser", "Hopper", "Iverson",
        "Johnson", "Knuth", "Lamport", "Liskov", "McCarthy", "Naur", "Perlman", "Ritchie", "Stroustrup",
        "Thompson", "Wirth",
    ]
    private static let domains = ["example.com", "mail.example.org", "shop.example.net"]

    /// The rows in table order.
    static func rows() -> [RawCustomer] {
        var random = SplitMix64(seed: 1)
        let signupAges = (1...count).map { _ in 1 + Int(random.next() % 730) }.sorted(by: >)
        var rows: [RawCustomer] = []
        for id in 1...count {
            let first = firstNames[Int(random.next() % UInt64(firstNames.count))]
            let last = lastNames[Int(random.next() % UInt64(lastNames.count))]
            let domain = domains[Int(random.next() % UInt64(domains.count))]
            var email = "\(first).\(last)\(id)@\(domain)".lowercased()
            if id % 9 == 0 { email = "  \(first).\(last)\(id)@\(domain.capitalized) " }
            if let invalid = invalidEmails[id] { email = invalid }
            let signupAge = signupAges[id - 1]
            let bucket = random.next() % 100
            let purchaseAge: Int? =
                switch bucket {
                case ..<5: nil
                case ..<45: Int(random.next() % 31)
                case ..<75: 31 + Int(random.next() % 60)
                default: 91 + Int(random.next() % 310)
                }
            let row = RawCustomer(
                id: id, name: "\(first) \(last)", email: email, signupDate: day(signupAge),
                lastPurchaseDate: purchaseAge.map { day(min($0, signupAge)) })
            rows.append(row)
            if duplicated.contains(id) { rows.append(row) }
            if nullIDsAfter.contains(id) {
                rows.append(
                    RawCustomer(
                        id: nil, name: "Unknown \(last)", email: "orphan\(id)@example.com",
                        signupDate: day(signupAge), lastPurchaseDate: nil))
            }
        }
        return rows
    }

    /// The day `days` days before the reference date.
    private static func day(_ days: Int) -> Date {
        referenceDate.addingTimeInterval(-Double(days) * 86_400)
    }
}

/// A small, fast, deterministic random number generator (SplitMix64), so that the seed data is the
/// same on every platform and Swift version.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next number of the sequence.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

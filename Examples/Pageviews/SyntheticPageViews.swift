import Cairn

/// The page views the example's "analytics API" returns: always the same ones for a day, so
/// every run of the example gives the same numbers.
enum SyntheticPageViews {
    private static let pages = ["/", "/pricing", "/docs", "/docs/assets", "/docs/partitions", "/blog", "/careers"]
    private static let tenants = ["acme", "globex", "initech", "umbrella"]

    /// The views of the day with this key: 200 to 400 of them.
    static func day(_ key: PartitionKey) -> [PageView] {
        var random = SplitMix64(
            seed: key.rawValue.utf8.reduce(1_469_598_103_934_665_603) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        return (0..<(200 + Int(random.next() % 201))).map { _ in
            PageView(
                page: pages[Int(random.next() % UInt64(pages.count))], visitor: Int(random.next() % 150),
                region: regions[Int(random.next() % UInt64(regions.count))].rawValue,
                tenant: tenants[Int(random.next() % UInt64(tenants.count))],
                seconds: Double(random.next() % 3000) / 10)
        }
    }
}

/// A small, fast, seeded random number generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next number of the sequence.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

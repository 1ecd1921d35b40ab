import Foundation

/// How an asset is divided into partitions: a fixed list of keys, windows of time, a set of keys
/// added at run time, or the combinations of several of these.
///
/// ```swift
/// let events = Asset("events", partitions: .daily(start: "2024-01-01")) { context in
///     try await fetchEvents(on: context.partitionKey)
/// }
/// let regional = Asset("sales", partitions: .multi(["date": .daily(start: "2024-01-01"), "region": .static(["eu", "us"])])) { ... }
/// ```
public struct PartitionsDefinition: Hashable, Sendable {
    /// The kinds of partitions definitions.
    public enum Kind: Hashable, Sendable {
        /// A fixed list of keys.
        case `static`(StaticPartitions)
        /// Windows of time between the ticks of a cron schedule.
        case timeWindow(TimeWindowPartitions)
        /// A named set of keys added and removed at run time.
        case dynamic(DynamicPartitions)
        /// Every combination of the keys of several dimensions.
        case multi(MultiPartitions)
        /// A definition whose arguments are wrong; `Definitions` validation reports it.
        case invalid(PartitionsError)
    }

    /// What kind of partitions these are.
    public let kind: Kind

    /// Wraps a kind of partitions.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// Partitions with the given keys, in this order.
    public static func `static`(_ keys: [PartitionKey]) -> PartitionsDefinition {
        do { return PartitionsDefinition(.static(try StaticPartitions(keys))) } catch { return .init(.invalid(error)) }
    }

    /// Partitions whose keys are added and removed at run time under `name`, with
    /// `partitions add <name> <keys>` or `DynamicPartitionsStorage.addDynamicPartitions`.
    public static func dynamic(_ name: String) -> PartitionsDefinition {
        PartitionsDefinition(.dynamic(DynamicPartitions(name)))
    }

    /// Every combination of the keys of the named dimensions; keys join the dimensions' keys with
    /// `|` in the order of the dimensions' names.
    public static func multi(_ dimensions: [String: PartitionsDefinition]) -> PartitionsDefinition {
        do { return PartitionsDefinition(.multi(try MultiPartitions(dimensions))) } catch {
            return .init(.invalid(error))
        }
    }

    /// One partition per window between ticks of `cron` in `timeZone`, from `start` (written in
    /// `format`), with keys written in `format`.
    public static func timeWindow(
        cron: String, start: String, end: String? = nil, timeZone: String = "UTC", format: String,
        endOffset: Int = 0
    ) -> PartitionsDefinition {
        wrap { () throws(PartitionsError) in
            try TimeWindowPartitions(
                cron: cron, start: start, end: end, timeZone: timeZone, format: format, endOffset: endOffset)
        }
    }

    /// One partition per hour from `start` (`2024-01-01-00:00`), keyed `%Y-%m-%d-%H:%M`.
    public static func hourly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0,
        format: String = "%Y-%m-%d-%H:%M", endOffset: Int = 0
    ) -> PartitionsDefinition {
        wrap { () throws(PartitionsError) in
            try TimeWindowPartitions.hourly(
                start: start, end: end, timeZone: timeZone, minuteOffset: minuteOffset, format: format,
                endOffset: endOffset)
        }
    }

    /// One partition per day from `start` (`2024-01-01`), keyed `%Y-%m-%d`.
    public static func daily(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        format: String = "%Y-%m-%d", endOffset: Int = 0
    ) -> PartitionsDefinition {
        wrap { () throws(PartitionsError) in
            try TimeWindowPartitions.daily(
                start: start, end: end, timeZone: timeZone, minuteOffset: minuteOffset, hourOffset: hourOffset,
                format: format, endOffset: endOffset)
        }
    }

    /// One partition per week from `start`, starting on Sunday unless `dayOffset` says otherwise.
    public static func weekly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        dayOffset: Int = 0, format: String = "%Y-%m-%d", endOffset: Int = 0
    ) -> PartitionsDefinition {
        wrap { () throws(PartitionsError) in
            try TimeWindowPartitions.weekly(
                start: start, end: end, timeZone: timeZone, minuteOffset: minuteOffset, hourOffset: hourOffset,
                dayOffset: dayOffset, format: format, endOffset: endOffset)
        }
    }

    /// One partition per month from `start`, starting on the first day unless `dayOffset` says otherwise.
    public static func monthly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        dayOffset: Int = 1, format: String = "%Y-%m-%d", endOffset: Int = 0
    ) -> PartitionsDefinition {
        wrap { () throws(PartitionsError) in
            try TimeWindowPartitions.monthly(
                start: start, end: end, timeZone: timeZone, minuteOffset: minuteOffset, hourOffset: hourOffset,
                dayOffset: dayOffset, format: format, endOffset: endOffset)
        }
    }

    private static func wrap(_ make: () throws(PartitionsError) -> TimeWindowPartitions) -> PartitionsDefinition {
        do throws(PartitionsError) {
            return PartitionsDefinition(.timeWindow(try make()))
        } catch {
            return .init(.invalid(error))
        }
    }

    /// The time-window partitions, when these are time windows.
    public var timeWindow: TimeWindowPartitions? {
        if case .timeWindow(let partitions) = kind { partitions } else { nil }
    }

    /// Whether these partitions are windows of time, or have a dimension that is.
    public var hasTimeDimension: Bool {
        switch kind {
        case .timeWindow: true
        case .multi(let multi): multi.dimensions.contains { $0.definition.timeWindow != nil }
        default: false
        }
    }

    /// The names of the dynamic partition sets these partitions use.
    public var dynamicNames: [String] {
        switch kind {
        case .dynamic(let dynamic): [dynamic.name]
        case .multi(let multi): multi.dimensions.flatMap(\.definition.dynamicNames)
        default: []
        }
    }

    /// The problem with the definition's arguments, if any.
    public var error: PartitionsError? {
        if case .invalid(let error) = kind { error } else { nil }
    }
}

/// Partitions with a fixed list of keys: regions, tenants, model variants.
public struct StaticPartitions: Hashable, Sendable {
    /// The keys, in order.
    public let keys: [PartitionKey]
    /// The position of each key.
    let positions: [PartitionKey: Int]

    /// Creates the partitions; keys must be unique, non-empty, and free of `|`, `...` and control characters.
    public init(_ keys: [PartitionKey]) throws(PartitionsError) {
        var positions: [PartitionKey: Int] = [:]
        for (position, key) in keys.enumerated() {
            if let reason = PartitionKey.problem(with: key.rawValue) {
                throw .invalidStaticKeys("static partition key '\(key)' \(reason)")
            }
            if positions.updateValue(position, forKey: key) != nil {
                throw .invalidStaticKeys("static partition key '\(key)' appears twice; keys must be unique")
            }
        }
        self.keys = keys
        self.positions = positions
    }

    /// Compares the keys.
    public static func == (lhs: StaticPartitions, rhs: StaticPartitions) -> Bool { lhs.keys == rhs.keys }

    /// Hashes the keys.
    public func hash(into hasher: inout Hasher) { hasher.combine(keys) }
}

/// Partitions whose keys are added and removed at run time: files that arrive, customers who sign up.
public struct DynamicPartitions: Hashable, Sendable {
    /// The name of the set of keys in storage.
    public let name: String

    /// Names the set of keys.
    public init(_ name: String) {
        self.name = name
    }

    /// The keys, checked: none may be empty or use `|`, `...` or control characters.
    public func validatedKeys(_ keys: [String]) throws(PartitionsError) -> [PartitionKey] {
        for key in keys {
            if let reason = PartitionKey.problem(with: key) { throw .invalidDynamicKey(key, reason: reason) }
        }
        return keys.map { PartitionKey($0) }
    }
}

/// Every combination of the keys of several named dimensions, any number of them.
public struct MultiPartitions: Hashable, Sendable {
    /// One dimension: its name and its partitions.
    public struct Dimension: Hashable, Sendable {
        /// The dimension's name.
        public let name: String
        /// Its partitions: static, time windows or dynamic.
        public let definition: PartitionsDefinition
    }

    /// The dimensions, ordered by name as keys join them.
    public let dimensions: [Dimension]

    /// Creates the partitions; there must be at least two dimensions, none of them multi.
    public init(_ dimensions: [String: PartitionsDefinition]) throws(PartitionsError) {
        guard dimensions.count >= 2 else {
            throw .invalidDimensions(
                "multi-partitions need at least two dimensions, got \(dimensions.count); "
                    + "use the single dimension's definition directly")
        }
        var sorted: [Dimension] = []
        for (name, definition) in dimensions.sorted(by: { $0.key < $1.key }) {
            if let reason = PartitionKey.problem(with: name) {
                throw .invalidDimensions("dimension name '\(name)' \(reason)")
            }
            switch definition.kind {
            case .multi:
                throw .invalidDimensions(
                    "dimension '\(name)' is itself multi-partitioned; list all dimensions in one `.multi([...])`")
            case .invalid(let error):
                throw .invalidDimensions("dimension '\(name)': \(error)")
            default:
                sorted.append(Dimension(name: name, definition: definition))
            }
        }
        self.dimensions = sorted
    }

    /// The dimension whose positions subsets keep as ranges: the first time dimension, else the first.
    var primaryIndex: Int {
        dimensions.firstIndex { $0.definition.timeWindow != nil } ?? 0
    }
}

extension PartitionKey {
    /// Why `text` cannot be a partition key or dimension name, or `nil` when it can.
    static func problem(with text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.contains("|") { return "contains '|', which joins the keys of multi-partitions" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains a control character such as a newline or tab"
        }
        if text.contains("...") { return "contains '...', which separates the ends of a partition range" }
        return nil
    }
}

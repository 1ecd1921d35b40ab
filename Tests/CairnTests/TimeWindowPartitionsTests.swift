import Foundation
import Testing

@testable import Cairn

@Suite struct TimeWindowPartitionsTests {
    private func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }

    private func date(_ iso: String) -> Date { ISO8601Timestamp.parse(iso)! }

    // MARK: Basics

    @Test func dailyKeysWindowsAndCounts() throws {
        let days = try TimeWindowPartitions.daily(start: "2024-01-01")
        #expect(days.schedule.expression == "0 0 * * *")
        #expect(days.start == date("2024-01-01T00:00:00Z"))
        #expect(days.key(at: 0) == "2024-01-01")
        #expect(days.key(at: 31) == "2024-02-01")
        #expect(
            days.window(at: 1) == TimeWindow(start: date("2024-01-02T00:00:00Z"), end: date("2024-01-03T00:00:00Z")))
        #expect(days.index(of: "2024-02-01") == 31)
        #expect(days.index(containing: date("2024-01-03T12:00:00Z")) == 2)
        #expect(days.index(containing: date("2023-12-31T23:59:59Z")) == nil)
        #expect(days.count(at: date("2024-01-01T23:59:59Z")) == 0)
        #expect(days.count(at: date("2024-01-02T00:00:00Z")) == 1)
        #expect(days.count(at: date("2024-03-01T12:00:00Z")) == 60)
        #expect(
            days.indices(
                overlapping: TimeWindow(start: date("2023-12-30T00:00:00Z"), end: date("2024-01-02T00:00:01Z")))
                == 0..<2)
        #expect(
            days.indices(
                overlapping: TimeWindow(start: date("2024-01-05T06:00:00Z"), end: date("2024-01-07T00:00:00Z")))
                == 4..<6)
        #expect(
            days.indices(
                overlapping: TimeWindow(start: date("2023-01-01T00:00:00Z"), end: date("2023-02-01T00:00:00Z")))
                == 0..<0)
        // Copies share their parts; equal definitions are equal however they were made.
        let copy = days
        #expect(copy == days)
        #expect(try TimeWindowPartitions.daily(start: "2024-01-01T00:00:00Z") == days)
        #expect(try TimeWindowPartitions.daily(start: "2024-01-02") != days)
        #expect(Set([days, copy, try TimeWindowPartitions.daily(start: "2024-01-01")]).count == 1)
    }

    @Test func keysThatAreNotWindowStartsHaveNoIndex() throws {
        let hours = try TimeWindowPartitions.hourly(start: "2024-01-01-00:00", timeZone: "Europe/Vienna")
        #expect(hours.index(of: "2024-01-01-05:00") == 5)
        // Dagster's has_partition_key accepts these two; they start no window.
        #expect(hours.index(of: "2024-01-01-05:30") == nil)
        #expect(hours.index(of: "2024-1-1-5:00") == nil)
        #expect(hours.index(of: "2023-12-31-23:00") == nil)
        #expect(hours.index(of: "yesterday") == nil)
        #expect(hours.index(of: "") == nil)
        // The repeated hour: the first has no offset, the second has one.
        let first = try #require(hours.index(of: "2024-10-27-02:00"))
        #expect(hours.index(of: "2024-10-27-02:00+0100") == first + 1)
        #expect(hours.index(of: "2024-10-27-02:00+0200") == nil)
        #expect(hours.window(at: first).end == hours.window(at: first + 1).start)
        // The skipped hour does not exist.
        let before = try #require(hours.index(of: "2024-03-31-01:00"))
        #expect(hours.key(at: before + 1) == "2024-03-31-03:00")
        #expect(hours.index(of: "2024-03-31-02:00") == nil)
    }

    @Test func weeklyAndMonthlyOffsets() throws {
        let weeks = try TimeWindowPartitions.weekly(start: "2024-01-01", hourOffset: 6, dayOffset: 1)
        #expect(weeks.schedule.expression == "0 6 * * 1")
        #expect(weeks.window(at: 0).start == date("2024-01-01T06:00:00Z"))
        #expect(weeks.window(at: 0).end == date("2024-01-08T06:00:00Z"))
        let months = try TimeWindowPartitions.monthly(start: "2024-01-01", dayOffset: 0)
        #expect(months.schedule.expression == "0 0 1 * *")
        #expect(months.key(at: 13) == "2025-02-01")
        #expect(
            months.window(at: 1) == TimeWindow(start: date("2024-02-01T00:00:00Z"), end: date("2024-03-01T00:00:00Z")))
    }

    @Test func startAndEndInISO8601() throws {
        let days = try TimeWindowPartitions.daily(
            start: "2024-01-01T06:00:00", end: "2024-02-01T00:00:00Z", timeZone: "Europe/Vienna")
        #expect(days.start == date("2024-01-01T05:00:00Z"))
        #expect(days.end == date("2024-02-01T00:00:00Z"))
        #expect(days.key(at: 0) == "2024-01-02")
        #expect(days.count(at: date("2025-01-01T00:00:00Z")) == 30)
    }

    // MARK: Errors

    private func message(_ make: () throws(PartitionsError) -> TimeWindowPartitions) -> String {
        do {
            _ = try make()
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func errorsSayWhatIsWrongAndHowToFixIt() {
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024/01/01") }
                == "start '2024/01/01' does not match the format '%Y-%m-%d'; write it like '2024-01-01' "
                + "(2024-01-01), or in ISO 8601 such as '2024-01-01T00:00:00Z'")
        #expect(
            message { () throws(PartitionsError) in try .hourly(start: "2024-13-01-00:00") }
                == "start '2024-13-01-00:00' does not match the format '%Y-%m-%d-%H:%M'; write it like "
                + "'2024-01-01-00:00' (2024-01-01), or in ISO 8601 such as '2024-01-01T00:00:00Z'")
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", timeZone: "Europe/Viena") }
                == "unknown time zone 'Europe/Viena'; use an IANA name such as 'Europe/Vienna', "
                + "'America/New_York' or 'UTC'")
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", timeZone: "europe/vienna") }
                == "unknown time zone 'europe/vienna'; did you mean 'Europe/Vienna'? use an IANA name such as "
                + "'Europe/Vienna', 'America/New_York' or 'UTC'")
        #expect(
            message { () throws(PartitionsError) in
                try TimeWindowPartitions(cron: "0 25 * * *", start: "2024-01-01", format: "%Y-%m-%d")
            } == """
                invalid cron '0 25 * * *': hour field '25' is out of range 0–23
                  0 25 * * *
                    ^^
                write the schedule as 'minute hour day-of-month month day-of-week'
                """)
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", format: "%Y-%Q") }.hasPrefix(
                "format '%Y-%Q' has the unknown directive '%Q'; use strftime directives: %Y %y"))
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", format: "%Y-%m-%d%") }
                == "format '%Y-%m-%d%' ends with a lone '%'; write '%%' for a percent sign")
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", end: "2023-12-01") }
                == "end '2023-12-01' is before start '2024-01-01'; give an end after the start, or none for "
                + "partitions that go on")
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01", format: "%Y-%m") }
                == "format '%Y-%m' writes the same key '2024-01' for two windows of '0 0 * * *'; use a format "
                + "precise enough for the schedule, such as '%Y-%m-%d-%H:%M'")
        #expect(
            message { () throws(PartitionsError) in
                try .daily(start: "2024-01-01 CET", timeZone: "Europe/Vienna", format: "%Y-%m-%d %Z")
            } == "format '%Y-%m-%d %Z' writes the zone name with %Z, which keys in 'Europe/Vienna' cannot be read "
                + "back from; use %z for the UTC offset")
        #expect(
            message { () throws(PartitionsError) in try .daily(start: "2024-01-01", format: "") }
                == "the key format is empty; use a strftime format such as '%Y-%m-%d'")
    }

    // MARK: Key formats

    @Test func formatsReadAsPythonReadsThem() throws {
        func read(_ text: String, _ format: String) throws -> String? {
            let reading = try PartitionKeyFormat(format).read(text)
            return reading.map {
                ISO8601Timestamp.format(Date(timeIntervalSince1970: Double($0.wall - ($0.offset ?? 0))))
            }
        }
        #expect(try read("2024-3-5", "%Y-%m-%d") == "2024-03-05T00:00:00Z")
        #expect(try read("2024 03   05", "%Y %m %d") == "2024-03-05T00:00:00Z")
        #expect(try read("20241105", "%Y%m%d") == "2024-11-05T00:00:00Z")
        #expect(try read("2024111", "%Y%m%d") == "2024-11-01T00:00:00Z")
        #expect(try read("2024-02-30", "%Y-%m-%d") == nil)
        #expect(try read("2024-01-01x", "%Y-%m-%d") == nil)
        #expect(try read("MARCH 5, 2024", "%B %d, %Y") == "2024-03-05T00:00:00Z")
        #expect(try read("2024-060", "%Y-%j") == "2024-02-29T00:00:00Z")
        #expect(try read("2024-W10-1", "%Y-W%W-%w") == "2024-03-04T00:00:00Z")
        #expect(try read("2024-W10", "%Y-W%W") == "2024-01-01T00:00:00Z")
        #expect(try read("12:30 PM", "%I:%M %p") == "1900-01-01T12:30:00Z")
        #expect(try read("12:30 am", "%I:%M %p") == "1900-01-01T00:30:00Z")
        #expect(try read("2024-01-01 10:00+01:00", "%Y-%m-%d %H:%M%z") == "2024-01-01T09:00:00Z")
        #expect(try read("2024-01-01 10:00Z", "%Y-%m-%d %H:%M%z") == "2024-01-01T10:00:00Z")
        #expect(try read("2024-01-01 10:00+01:0030", "%Y-%m-%d %H:%M%z") == nil)
        #expect(try read("99-01-01", "%y-%m-%d") == "1999-01-01T00:00:00Z")
        #expect(try read("68-01-01", "%y-%m-%d") == "2068-01-01T00:00:00Z")
        #expect(try read("02-29", "%m-%d") == nil)
        #expect(try read("100%", "100%%") == "1900-01-01T00:00:00Z")
    }

    @Test func formatsWriteAsPythonWritesThem() throws {
        let wall = 1_709_638_245  // 2024-03-05 11:30:45, a Tuesday
        func write(_ format: String, offset: Int = 3600) throws -> String {
            try PartitionKeyFormat(format).format(wall: wall, microsecond: 1500, offset: offset)
        }
        #expect(try write("%Y-%m-%d %H:%M:%S.%f") == "2024-03-05 11:30:45.001500")
        #expect(try write("%a %A %b %B %j %U %W %w %u %y") == "Tue Tuesday Mar March 065 09 10 2 2 24")
        #expect(try write("%I%p %Z %%") == "11AM UTC %")
        #expect(try write("%z") == "+0100")
        #expect(try write("%z", offset: -37_800) == "-1030")
        #expect(try write("%z", offset: 3661) == "+010101")
        #expect(try write("%Y") == "2024")
        #expect(try PartitionKeyFormat("%Y-%m").format(wall: -61_600_000_000, offset: 0) == "17-12")
    }

    // MARK: Arithmetic against plain iteration

    /// Every shape of schedule: periodic, hourly, and irregular ones that are walked.
    @Test(arguments: [
        ("0 * * * *", "Europe/Vienna"), ("0 * * * *", "Australia/Lord_Howe"), ("30 * * * *", "Australia/Lord_Howe"),
        ("*/15 * * * *", "America/New_York"), ("0 0 * * *", "America/Santiago"), ("30 2 * * *", "Europe/Vienna"),
        ("15 2 * * *", "Australia/Lord_Howe"), ("0 9 * * 1-5", "America/New_York"), ("0 */4 * * *", "Europe/Vienna"),
        ("15 3 1 * *", "Europe/Vienna"), ("0 2 * * 0", "Europe/Vienna"), ("0 * * * 1-5", "Europe/Vienna"),
        ("0 0 31 * *", "UTC"), ("0,30 2 * * *", "Europe/Vienna"), ("0 0 29 2 *", "UTC"),
    ])
    func ticksAgreeWithIteration(cron: String, zone: String) throws {
        let partitions = try TimeWindowPartitions(
            cron: cron, start: "2023-12-20T13:07:00Z", timeZone: zone, format: "%Y-%m-%dT%H:%M:%S%z")
        let schedule = partitions.schedule
        // Schedules without arithmetic walk their ticks, and more slowly the rarer they are.
        let walked = ["0 * * * 1-5", "0 0 31 * *", "0,30 2 * * *", "0 0 29 2 *"].contains(cron)
        let count = cron == "0 0 29 2 *" ? 4 : cron == "0 0 31 * *" ? 60 : 1200
        let ticks = Array(schedule.ticks(from: partitions.start).prefix(count + 1))
        let stride = cron.hasPrefix("*/15") ? 37 : 1
        for index in Swift.stride(from: 0, to: count, by: stride) {
            let window = partitions.window(at: index)
            #expect(window == TimeWindow(start: ticks[index], end: ticks[index + 1]), "\(cron) \(zone) window \(index)")
            #expect(partitions.index(containing: ticks[index]) == index, "\(cron) \(zone) at \(index)")
            #expect(
                partitions.index(containing: ticks[index + 1].addingTimeInterval(-1)) == index,
                "\(cron) \(zone) before \(index + 1)")
            #expect(partitions.index(of: partitions.key(at: index)) == index, "\(cron) \(zone) key \(index)")
        }
        // Ticks before the first, as the mapping's offsets reach them.
        var earlier = partitions.window(at: 0).start
        for index in Swift.stride(from: -1, through: walked ? -6 : -30, by: -1) {
            earlier = schedule.previousTick(before: earlier)
            #expect(partitions.ticks.tick(index) == Int(earlier.timeIntervalSince1970), "\(cron) \(zone) tick \(index)")
            #expect(partitions.ticks.lastIndex(atOrBefore: earlier) == index, "\(cron) \(zone) index \(index)")
        }
    }

    // MARK: Performance

    @Test func hourlySinceTwentyTenIsArithmetic() throws {
        let clock = ContinuousClock()
        let now = date("2026-10-10T10:30:00Z")
        for zone in ["UTC", "Europe/Vienna", "Australia/Lord_Howe"] {
            let hours = try TimeWindowPartitions.hourly(start: "2010-01-01-00:00", timeZone: zone)
            var count = 0
            var key = PartitionKey("")
            var index: Int?
            var containing: Int?
            let first = clock.measure { count = hours.count(at: now) }
            let elapsed = clock.measure {
                count = hours.count(at: now)
                key = hours.key(at: 140_000)
                index = hours.index(of: key)
                containing = hours.index(containing: now)
            }
            #expect(count > 147_000)
            #expect(index == 140_000)
            #expect(containing == count)
            print(
                "hourly since 2010 in \(zone): \(count) partitions; first count \(first), "
                    + "then count + key + index + containing \(elapsed)")
        }
    }

    // MARK: Dagster reference vectors

    private struct Fixture: Decodable {
        struct Arguments: Decodable {
            let start: String
            let end: String?
            let endOffset: Int?
            let minuteOffset: Int?
            let hourOffset: Int?
            let dayOffset: Int?
            let format: String?
            let cron: String?
        }
        struct Partition: Decodable {
            let index: Int
            let key: String
            let start: Int
            let end: Int
            init(from decoder: any Decoder) throws {
                var fields = try decoder.unkeyedContainer()
                index = try fields.decode(Int.self)
                key = try fields.decode(String.self)
                start = try fields.decode(Int.self)
                end = try fields.decode(Int.self)
            }
        }
        struct Definition: Decodable {
            let kind: String
            let timeZone: String
            let args: Arguments
            let cron: String
            let format: String
            let startInstant: Double
            let endInstant: Double?
            let now: Int
            let count: Int
            let partitions: [Partition]
            let counts: [[Int]]
        }
        struct Spec: Decodable {
            let kind: String
            let args: Arguments
        }
        struct Mapped: Decodable {
            let from: [String]
            let to: [String]
        }
        struct Mapping: Decodable {
            let timeZone: String
            let now: Int
            let downstream: Spec
            let upstream: Spec
            let startOffset: Int
            let endOffset: Int
            let upstreamOf: [Mapped]
            let downstreamOf: [Mapped]
        }
        let dagsterVersion: String
        let definitions: [Definition]
        let mappings: [Mapping]
    }

    private static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/partition-vectors.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    private func make(_ kind: String, _ a: Fixture.Arguments, zone: String) throws -> TimeWindowPartitions {
        let offset = a.endOffset ?? 0
        switch kind {
        case "hourly":
            return try .hourly(
                start: a.start, end: a.end, timeZone: zone, minuteOffset: a.minuteOffset ?? 0,
                format: a.format ?? "%Y-%m-%d-%H:%M", endOffset: offset)
        case "daily":
            return try .daily(
                start: a.start, end: a.end, timeZone: zone, minuteOffset: a.minuteOffset ?? 0,
                hourOffset: a.hourOffset ?? 0, format: a.format ?? "%Y-%m-%d", endOffset: offset)
        case "weekly":
            return try .weekly(
                start: a.start, end: a.end, timeZone: zone, minuteOffset: a.minuteOffset ?? 0,
                hourOffset: a.hourOffset ?? 0, dayOffset: a.dayOffset ?? 0, format: a.format ?? "%Y-%m-%d",
                endOffset: offset)
        case "monthly":
            return try .monthly(
                start: a.start, end: a.end, timeZone: zone, minuteOffset: a.minuteOffset ?? 0,
                hourOffset: a.hourOffset ?? 0, dayOffset: a.dayOffset ?? 1, format: a.format ?? "%Y-%m-%d",
                endOffset: offset)
        default:
            return try TimeWindowPartitions(
                cron: a.cron!, start: a.start, end: a.end, timeZone: zone, format: a.format!, endOffset: offset)
        }
    }

    /// Where Dagster is wrong and Cairn deliberately differs (as `CronScheduleTests` explains):
    /// Dagster's hourly fast path steps one hour of UTC at a time, aligned to UTC minutes or to
    /// local ones depending on Lord Howe's offset on the day the vectors were generated, so in a
    /// zone with half-hour offsets its hourly windows start at :30 local time part of the year.
    /// Cairn's start on the hour (or at the minute offset) all year.
    private func isKnownDagsterDivergence(_ d: Fixture.Definition) -> Bool {
        d.timeZone == "Australia/Lord_Howe" && d.cron.hasSuffix(" * * * *") && !d.cron.hasPrefix("*/15")
    }

    @Test func definitionsAgreeWithDagster() throws {
        var (agreeing, total, diverging) = (0, 0, 0)
        for d in Self.fixture.definitions {
            let name = "\(d.kind) \(d.cron) \(d.timeZone) \(d.args)"
            let partitions = try make(d.kind, d.args, zone: d.timeZone)
            var mismatches: [String] = []
            func check(_ ok: Bool, _ what: @autoclosure () -> String) {
                total += 1
                if ok { agreeing += 1 } else { mismatches.append(what()) }
            }
            check(partitions.schedule.expression == d.cron, "cron \(partitions.schedule.expression) ≠ \(d.cron)")
            check(partitions.start.timeIntervalSince1970 == d.startInstant, "start \(partitions.start)")
            check(partitions.end?.timeIntervalSince1970 == d.endInstant, "end \(String(describing: partitions.end))")
            let count = partitions.count(at: date(d.now))
            check(count == d.count, "count \(count) ≠ \(d.count)")
            for p in d.partitions {
                let key = partitions.key(at: p.index).rawValue
                let window = partitions.window(at: p.index)
                check(key == p.key, "key \(p.index): \(key) ≠ \(p.key)")
                check(
                    window == TimeWindow(start: date(p.start), end: date(p.end)),
                    "window \(p.index) \(p.key): \(window.start)–\(window.end) ≠ \(date(p.start))–\(date(p.end))")
                check(partitions.index(of: PartitionKey(p.key)) == p.index, "index of \(p.key)")
                check(partitions.index(containing: date(p.start)) == p.index, "index containing \(p.start)")
            }
            for probe in d.counts {
                let count = partitions.count(at: date(probe[0]))
                check(count == probe[1], "count at \(date(probe[0])): \(count) ≠ \(probe[1])")
            }
            if isKnownDagsterDivergence(d) {
                if !mismatches.isEmpty { diverging += 1 }
                // Cairn's windows start on the wall-clock hour and follow each other.
                for index in 0..<200 {
                    let window = partitions.window(at: index)
                    let offset = partitions.timeZone.secondsFromGMT(for: window.start)
                    #expect(
                        (Int(window.start.timeIntervalSince1970) + offset) % 3600 == (d.args.minuteOffset ?? 0) * 60,
                        "\(name) window \(index)")
                    #expect(window.end == partitions.window(at: index + 1).start)
                }
                continue
            }
            #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(10).joined(separator: "; "))")
        }
        print(
            "partition vectors: \(agreeing) of \(total) checks agree with Dagster \(Self.fixture.dagsterVersion) "
                + "over \(Self.fixture.definitions.count) definitions; \(diverging) known divergences")
    }

    @Test func mappingsAgreeWithDagster() throws {
        var (agreeing, total) = (0, 0)
        for m in Self.fixture.mappings {
            let downstream = try make(m.downstream.kind, m.downstream.args, zone: m.timeZone)
            let upstream = try make(m.upstream.kind, m.upstream.args, zone: m.timeZone)
            let now = date(m.now)
            let name =
                "\(m.downstream.kind) \(m.downstream.args.start) → \(m.upstream.kind) \(m.upstream.args.start) "
                + "in \(m.timeZone) (\(m.startOffset), \(m.endOffset))"
            // Dagster maps only the partitions that exist at the time.
            func indices(_ keys: [String], of partitions: TimeWindowPartitions) throws -> Range<Int> {
                let found = try keys.map { try #require(partitions.index(of: PartitionKey($0)), "\($0)") }
                return (found.first!..<(found.last! + 1)).clamped(to: 0..<partitions.count(at: now))
            }
            func keys(_ range: Range<Int>, of partitions: TimeWindowPartitions) -> [String] {
                let existing = 0..<partitions.count(at: now)
                return range.clamped(to: existing).map { partitions.key(at: $0).rawValue }
            }
            for c in m.upstreamOf {
                let mapped = downstream.upstreamIndices(
                    of: try indices(c.from, of: downstream), in: upstream, startOffset: m.startOffset,
                    endOffset: m.endOffset)
                let ours = keys(mapped, of: upstream)
                total += 1
                if ours == c.to { agreeing += 1 }
                #expect(ours == c.to, "\(name): upstream of \(c.from)")
            }
            for c in m.downstreamOf {
                let mapped = downstream.downstreamIndices(
                    of: try indices(c.from, of: upstream), in: upstream, startOffset: m.startOffset,
                    endOffset: m.endOffset)
                let ours = keys(mapped, of: downstream)
                total += 1
                if ours == c.to { agreeing += 1 }
                #expect(ours == c.to, "\(name): downstream of \(c.from)")
            }
        }
        print("mapping vectors: \(agreeing) of \(total) agree with Dagster \(Self.fixture.dagsterVersion)")
    }
}

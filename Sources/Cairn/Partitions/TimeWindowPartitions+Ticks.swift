import Foundation
import Synchronization

/// The ticks of a cron schedule numbered from the first at or after a start: tick 0 is that one,
/// tick -1 the one before it. Every query is answered with arithmetic, or for unusual schedules
/// from remembered checkpoints, so none walks the ticks since the start.
struct TickSequence: Sendable {
    /// The instant of tick 0, in seconds since 1970.
    let first: Int
    private let layout: Layout

    /// How the ticks are found.
    private enum Layout: Sendable {
        /// One tick per matching wall-clock time, and the matching times recur every day, week or
        /// month, hours apart: `M H * * *`, `M H * * D`, `M H D * *`, `0 9 * * 1-5`, `0 */4 * * *`.
        case periodic(PeriodicTicks)
        /// Every hour at fixed minutes (`M * * * *`, `*/15 * * * *`).
        case hourly(HourlyTicks)
        /// Anything else: the ticks are walked once and remembered every so many.
        case irregular(TickCheckpoints)
    }

    /// The ticks of `schedule`, numbered from the first at or after `start`.
    init(schedule: CronSchedule, start: Date) {
        var ticks = schedule.ticks(from: start).makeIterator()
        first = Int(ticks.next()!.timeIntervalSince1970)
        if let periodic = PeriodicTicks(schedule: schedule, first: first) {
            layout = .periodic(periodic)
        } else if let hourly = HourlyTicks(schedule: schedule, first: first) {
            layout = .hourly(hourly)
        } else {
            layout = .irregular(TickCheckpoints(schedule: schedule, first: first))
        }
    }

    /// The instant of tick `index`, in seconds since 1970.
    func tick(_ index: Int) -> Int {
        switch layout {
        case .periodic(let ticks): ticks.instant(ofSlot: ticks.firstSlot + index)
        case .hourly(let ticks): ticks.tick(index)
        case .irregular(let ticks): ticks.tick(index)
        }
    }

    /// The number of the last tick at or before `instant` (seconds since 1970); negative before the first.
    func lastIndex(atOrBefore instant: Int) -> Int {
        switch layout {
        case .periodic(let ticks): ticks.slot(atOrBefore: instant) - ticks.firstSlot
        case .hourly(let ticks): ticks.lastIndex(atOrBefore: instant)
        case .irregular(let ticks): ticks.lastIndex(atOrBefore: instant)
        }
    }

    /// The number of the last tick at or before `instant`.
    func lastIndex(atOrBefore instant: Date) -> Int {
        lastIndex(atOrBefore: Int(instant.timeIntervalSince1970.rounded(.down)))
    }

    /// The number of the first tick at or after `instant`.
    func firstIndex(atOrAfter instant: Date) -> Int {
        lastIndex(atOrBefore: Int(instant.timeIntervalSince1970.rounded(.up)) - 1) + 1
    }
}

extension TimeZone {
    /// The UTC offset in seconds at `instant` (seconds since 1970).
    fileprivate func offset(atSecond instant: Int) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
    }
}

/// Ticks of schedules that fire once per matching wall-clock time, where matching times recur
/// every day, week or month and lie at least four hours apart, so that daylight-saving shifts
/// never reorder them. The matching times are numbered as slots; tick `i` is slot `firstSlot + i`.
private struct PeriodicTicks: Sendable {
    /// How long the period of matching times is.
    enum Period: Sendable {
        /// A number of days, counted from a day (days since 1970) on which a period starts.
        case days(Int, origin: Int)
        /// A calendar month.
        case month
    }

    let schedule: CronSchedule
    let period: Period
    /// The matching wall-clock times, as seconds from the start of the period, ascending.
    let pattern: [Int]
    /// The slot of tick 0.
    private(set) var firstSlot = 0

    /// The arithmetic of `schedule`, or `nil` when its ticks do not have this shape.
    init?(schedule: CronSchedule, first: Int) {
        // `L` and `weekday#n` are not periodic by week or by day of the month.
        guard !schedule.repeatsEveryHour, schedule.months.count == 12, schedule.usesOnlyPlainDays,
            !schedule.daysOfMonth.isEmpty, !schedule.daysOfWeek.isEmpty
        else { return nil }
        let times = schedule.hours.flatMap { hour in schedule.minutes.map { hour * 3600 + $0 * 60 } }
        let shortest: Int
        if schedule.daysOfMonth.count == 31 && schedule.daysOfWeek.count == 7 {
            (period, pattern, shortest) = (.days(1, origin: 0), times, 86_400)
        } else if schedule.daysOfMonth.count == 31 {
            // Weeks start on Sunday; 1970-01-04 was one.
            let days = schedule.daysOfWeek.flatMap { day in times.map { day * 86_400 + $0 } }
            (period, pattern, shortest) = (.days(7, origin: 3), days, 7 * 86_400)
        } else if schedule.daysOfWeek.count == 7, schedule.daysOfMonth.last! <= 28 {
            let days = schedule.daysOfMonth.flatMap { day in times.map { (day - 1) * 86_400 + $0 } }
            (period, pattern, shortest) = (.month, days, 28 * 86_400)
        } else {
            return nil
        }
        let gaps = zip(pattern, pattern.dropFirst()).map { $1 - $0 } + [shortest - pattern.last! + pattern[0]]
        guard gaps.allSatisfy({ $0 >= 4 * 3600 }) else { return nil }
        self.schedule = schedule
        firstSlot = slot(atOrBefore: first)
    }

    /// The wall-clock time (seconds since 1970 of a zone-less clock) at which period `number` starts.
    private func start(ofPeriod number: Int) -> Int {
        switch period {
        case .days(let length, let origin):
            return (origin + number * length) * 86_400
        case .month:
            let (year, month) = GregorianDate.floorDivision(number, 12)
            return GregorianDate.daysSince1970(year: year, month: month + 1, day: 1) * 86_400
        }
    }

    /// The number of the period containing the wall-clock time `wall`.
    private func period(containing wall: Int) -> Int {
        switch period {
        case .days(let length, let origin):
            return GregorianDate.floorDivision(wall - origin * 86_400, length * 86_400).quotient
        case .month:
            let date = GregorianDate.date(daysSince1970: GregorianDate.floorDivision(wall, 86_400).quotient)
            return date.year * 12 + date.month - 1
        }
    }

    /// The instant slot `slot` fires at.
    func instant(ofSlot slot: Int) -> Int {
        let (number, position) = GregorianDate.floorDivision(slot, pattern.count)
        return schedule.instants(firingAtWallClock: start(ofPeriod: number) + pattern[position])[0]
    }

    /// The last slot that fires at or before `instant`.
    func slot(atOrBefore instant: Int) -> Int {
        let wall = instant + schedule.timeZone.offset(atSecond: instant)
        let number = period(containing: wall)
        let elapsed = wall - start(ofPeriod: number)
        var slot = number * pattern.count + (pattern.lastIndex { $0 <= elapsed } ?? -1)
        // A time in a gap fires after it, and one in an overlap may fire at its later occurrence.
        while self.instant(ofSlot: slot + 1) <= instant { slot += 1 }
        while self.instant(ofSlot: slot) > instant { slot -= 1 }
        return slot
    }
}

/// Ticks of schedules that fire every hour at fixed minutes: the instants whose wall-clock time
/// reads one of the minutes, so a time skipped by a gap does not fire and one repeated by an
/// overlap fires twice. Between changes of the zone's offset they are evenly spaced; the changes
/// are looked up as far as queries reach and remembered.
private struct HourlyTicks: Sendable {
    /// A stretch of time with one UTC offset, from `start` to the next segment's start.
    struct Segment {
        let start: Int
        let offset: Int
        /// The number of ticks at or before `y` in the segment is `base + grid(offset, y)`.
        var base: Int
    }

    /// The segments looked up so far, and the next change of offset after the last one.
    struct Table {
        var segments: [Segment]
        var next: Int?
    }

    private let clock: Clock
    private let table: Shared<Table>

    /// The arithmetic of `schedule`, or `nil` when it does not fire every hour of every day.
    init?(schedule: CronSchedule, first: Int) {
        guard schedule.repeatsEveryHour, schedule.daysOfMonth.count == 31, schedule.months.count == 12,
            schedule.daysOfWeek.count == 7
        else { return nil }
        let clock = Clock(zone: schedule.timeZone, marks: schedule.minutes.map { $0 * 60 })
        let low = first - 2 * 86_400
        var table = Table(
            segments: [Segment(start: low, offset: clock.zone.offset(atSecond: low), base: 0)],
            next: clock.nextChange(after: low))
        clock.extend(&table, through: first)
        // Number so that tick 0 is the first: one tick at or before it.
        let shift = 1 - clock.count(in: table, atOrBefore: first)
        for index in table.segments.indices { table.segments[index].base += shift }
        self.clock = clock
        self.table = Shared(table)
    }

    /// The instant of tick `index`.
    func tick(_ index: Int) -> Int {
        let target = index + 1
        return table.withLock { [clock] table in
            while clock.before(table.segments[0]) >= target {
                clock.extend(&table, back: table.segments[0].start - 400 * 86_400)
            }
            while let next = table.next, clock.count(table.segments.last!, atOrBefore: next - 1) < target {
                clock.extend(&table, through: next)
            }
            var (low, high) = (0, table.segments.count - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if clock.before(table.segments[middle]) < target { low = middle } else { high = middle - 1 }
            }
            let segment = table.segments[low]
            let (hour, position) = GregorianDate.floorDivision(target - segment.base - 1, clock.marks.count)
            return hour * 3600 + clock.marks[position] - segment.offset
        }
    }

    /// The number of the last tick at or before `instant`.
    func lastIndex(atOrBefore instant: Int) -> Int {
        table.withLock { [clock] table in
            if instant < table.segments[0].start { clock.extend(&table, back: instant - 400 * 86_400) }
            clock.extend(&table, through: instant)
            return clock.count(in: table, atOrBefore: instant) - 1
        }
    }

    /// The zone's offsets and the schedule's minutes: the arithmetic of the table.
    private struct Clock: Sendable {
        let zone: TimeZone
        /// The seconds past the hour at which the schedule fires, ascending.
        let marks: [Int]

        /// The number of wall-clock marks up to the wall-clock time of `instant` read with `offset`.
        func grid(_ offset: Int, _ instant: Int) -> Int {
            let (hour, second) = GregorianDate.floorDivision(instant + offset, 3600)
            var passed = 0
            while passed < marks.count && marks[passed] <= second { passed += 1 }
            return hour * marks.count + passed
        }

        /// The number of ticks at or before `instant`, which the segment contains.
        func count(_ segment: Segment, atOrBefore instant: Int) -> Int {
            segment.base + grid(segment.offset, instant)
        }

        /// The number of ticks before the segment starts.
        func before(_ segment: Segment) -> Int {
            count(segment, atOrBefore: segment.start - 1)
        }

        /// The number of ticks at or before `instant`, which the table covers.
        func count(in table: Table, atOrBefore instant: Int) -> Int {
            var (low, high) = (0, table.segments.count - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if table.segments[middle].start <= instant { low = middle } else { high = middle - 1 }
            }
            return count(table.segments[low], atOrBefore: instant)
        }

        /// Looks up the changes of offset up to and including `instant`.
        func extend(_ table: inout Table, through instant: Int) {
            while let next = table.next, next <= instant {
                let last = table.segments.last!
                let offset = zone.offset(atSecond: next)
                let base = count(last, atOrBefore: next - 1) - grid(offset, next - 1)
                table.segments.append(Segment(start: next, offset: offset, base: base))
                table.next = nextChange(after: next)
            }
        }

        /// Looks up the changes of offset from `instant` to the first segment.
        func extend(_ table: inout Table, back instant: Int) {
            let oldStart = table.segments[0].start
            var starts = [instant]
            while let next = nextChange(after: starts.last!), next < oldStart { starts.append(next) }
            var earlier: [Segment] = []
            var following = table.segments[0]
            for start in starts.reversed() {
                let offset = zone.offset(atSecond: start)
                let base =
                    following.base + grid(following.offset, following.start - 1) - grid(offset, following.start - 1)
                following = Segment(start: start, offset: offset, base: base)
                earlier.append(following)
            }
            table.segments.insert(contentsOf: earlier.reversed(), at: 0)
        }

        /// The first change of the zone's offset after `instant`, if any.
        func nextChange(after instant: Int) -> Int? {
            zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
                .map { Int($0.timeIntervalSince1970.rounded()) }
        }
    }
}

/// Ticks of unusual schedules (`0 * * * 1-5`, `0 0 31 * *`): walked once from the first, with
/// every sixteenth remembered, so a query walks at most sixteen.
private struct TickCheckpoints: Sendable {
    private static let spacing = 16
    private let schedule: CronSchedule
    private let first: Int
    /// Tick `k * spacing` for each `k` walked so far.
    private let checkpoints: Shared<[Int]>

    init(schedule: CronSchedule, first: Int) {
        self.schedule = schedule
        self.first = first
        checkpoints = Shared([first])
    }

    /// The instant of tick `index`.
    func tick(_ index: Int) -> Int {
        var instant = first
        if index < 0 {
            for _ in 0 ..< -index { instant = previous(instant) }
            return instant
        }
        let (checkpoint, rest) = index.quotientAndRemainder(dividingBy: Self.spacing)
        instant = checkpoints.withLock { checkpoints in
            while checkpoints.count <= checkpoint { appendCheckpoint(to: &checkpoints) }
            return checkpoints[checkpoint]
        }
        for _ in 0..<rest { instant = next(instant) }
        return instant
    }

    /// The number of the last tick at or before `instant`.
    func lastIndex(atOrBefore instant: Int) -> Int {
        if instant < first {
            var (index, tick) = (-1, previous(first))
            while tick > instant { (index, tick) = (index - 1, previous(tick)) }
            return index
        }
        var (index, tick) = checkpoints.withLock { checkpoints in
            while checkpoints.last! <= instant { appendCheckpoint(to: &checkpoints) }
            var (low, high) = (0, checkpoints.count - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if checkpoints[middle] <= instant { low = middle } else { high = middle - 1 }
            }
            return (low * Self.spacing, checkpoints[low])
        }
        while case let following = next(tick), following <= instant { (index, tick) = (index + 1, following) }
        return index
    }

    private func appendCheckpoint(to checkpoints: inout [Int]) {
        var instant = checkpoints.last!
        for _ in 0..<Self.spacing { instant = next(instant) }
        checkpoints.append(instant)
    }

    private func next(_ instant: Int) -> Int {
        Int(schedule.nextTick(after: Date(timeIntervalSince1970: Double(instant))).timeIntervalSince1970)
    }

    private func previous(_ instant: Int) -> Int {
        Int(schedule.previousTick(before: Date(timeIntervalSince1970: Double(instant))).timeIntervalSince1970)
    }
}

/// A value that the copies of a struct share, changed under a lock.
private final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with the value, holding the lock.
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// The UTC offsets of a zone, looked up once per change of offset and remembered: reading one is
/// a binary search instead of a call into the time-zone database.
struct ZoneOffsets: Sendable {
    /// The zone.
    let zone: TimeZone
    /// The offset of a zone that never changes it.
    private let fixed: Int?
    /// The changes looked up so far: each start with the offset from it on, and the next change.
    private let table: Shared<(starts: [Int], offsets: [Int], next: Int?)>

    /// The offsets of `zone`.
    init(_ zone: TimeZone) {
        self.zone = zone
        let changes = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: -4_000_000_000))
        fixed = changes == nil ? zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) : nil
        table = Shared(([], [], nil))
    }

    /// The UTC offset in seconds at `instant` (seconds since 1970).
    func offset(at instant: Int) -> Int {
        if let fixed { return fixed }
        return table.withLock { [zone] table in
            if table.starts.isEmpty || instant < table.starts[0] {
                // Start again a year earlier; transitions are looked up forwards only.
                let low = instant - 366 * 86_400
                table = ([low], [zone.offset(atSecond: low)], Self.change(of: zone, after: low))
            }
            while let next = table.next, next <= instant { Self.append(next, to: &table, zone: zone) }
            var (low, high) = (0, table.starts.count - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if table.starts[middle] <= instant { low = middle } else { high = middle - 1 }
            }
            return table.offsets[low]
        }
    }

    /// The instant (seconds since 1970) of the wall-clock time `wall`, as Python's `zoneinfo` reads
    /// it with `fold=0`: in an overlap the first occurrence, in a gap the time read with the offset
    /// before it.
    func instant(ofWallClock wall: Int) -> Int {
        let before = offset(at: wall - 86_400)
        let after = offset(at: wall + 86_400)
        if before == after { return wall - before }
        let beforeFits = offset(at: wall - before) == before
        let afterFits = offset(at: wall - after) == after
        if beforeFits && afterFits { return wall - max(before, after) }
        if afterFits { return wall - after }
        return wall - before
    }

    private static func append(
        _ start: Int, to table: inout (starts: [Int], offsets: [Int], next: Int?), zone: TimeZone
    ) {
        table.starts.append(start)
        table.offsets.append(zone.offset(atSecond: start))
        table.next = change(of: zone, after: start)
    }

    private static func change(of zone: TimeZone, after instant: Int) -> Int? {
        zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
            .map { Int($0.timeIntervalSince1970.rounded()) }
    }
}

import Cairn
import Foundation

/// One weather sample at SFO, as recorded every 30 minutes.
struct Sample: Codable, Sendable {
    var station: String
    var valid: Date
    var tmpf: Double
}

/// The highest temperature of one day.
struct DailyHigh: Codable, Sendable, Equatable {
    var day: String
    var maxTmpf: Double
}

/// The samples, read from the CSV file shipped with the example.
let samples = SourceAsset<[Sample]>(
    "sfo_q2_weather_sample",
    description: "Weather samples, taken every 30 minutes at SFO",
    group: "weather",
    kinds: ["csv"],
    io: .csv(path: Bundle.module.path(forResource: "sfo_q2_weather_sample", ofType: "csv", inDirectory: "data")!))

/// The temperature high of each day; the dependency on `samples` comes from the typed reference.
let dailyHighs = Asset(
    "daily_temperature_highs", description: "The temperature high of each day", group: "weather",
    kinds: ["json"], codeVersion: "1", automationCondition: .eager(), from: samples
) { context, samples in
    let highs = computeDailyHighs(samples)
    context.log.info("Computed \(highs.count) daily highs from \(samples.count) samples")
    context.addMetadata([
        "samples": .int(samples.count),
        "first_day": .text(highs.first?.day ?? "-"),
        "last_day": .text(highs.last?.day ?? "-"),
        "schema": .markdown(TableSchema(inferringFrom: highs).markdown),
    ])
    return highs
}

/// The ten hottest days.
let hottest = Asset(
    "hottest_dates", description: "The 10 hottest days", group: "weather", kinds: ["json"],
    automationCondition: .eager(), from: dailyHighs
) { context, highs in
    let top = Array(highs.sorted { $0.maxTmpf > $1.maxTmpf }.prefix(10))
    context.addMetadata([
        "hottest_tmpf": .float(top.first?.maxTmpf ?? .nan),
        "schema": .markdown(TableSchema(inferringFrom: top).markdown),
    ])
    return top
}

/// The three coldest days, by their high.
let lowest = Asset(
    "lowest_dates", description: "The 3 days with the lowest highs", group: "weather", kinds: ["json"],
    automationCondition: .onCron("0 7 * * *", timeZone: "Europe/Vienna"), from: dailyHighs
) { context, highs in
    let bottom = Array(highs.sorted { $0.maxTmpf < $1.maxTmpf }.prefix(3))
    context.addMetadata([
        "lowest_tmpf": .float(bottom.first?.maxTmpf ?? .nan),
        "schema": .markdown(TableSchema(inferringFrom: bottom).markdown),
    ])
    return bottom
}

/// A blocking check: no recorded high may be physically implausible for San Francisco.
let noImpossibleTemperatures = AssetCheck(
    "no_impossible_temperatures", on: dailyHighs,
    description: "Every daily high lies between -20 °F and 140 °F", blocking: true
) { _, highs in
    let implausible = highs.filter { !(-20...140).contains($0.maxTmpf) }
    return CheckResult(
        passed: implausible.isEmpty,
        description: implausible.isEmpty ? nil : "\(implausible.count) days out of range, first \(implausible[0].day)",
        metadata: ["implausible_days": .int(implausible.count), "max_tmpf": .float(highs.map(\.maxTmpf).max() ?? .nan)])
}

/// Groups samples by UTC day and keeps each day's maximum temperature, in day order.
func computeDailyHighs(_ samples: [Sample]) -> [DailyHigh] {
    var highs: [String: Double] = [:]
    for sample in samples {
        let day = String(sample.valid.ISO8601Format().prefix(10))
        highs[day] = max(highs[day] ?? -.infinity, sample.tmpf)
    }
    return highs.sorted { $0.key < $1.key }.map { DailyHigh(day: $0.key, maxTmpf: $0.value) }
}

/// The weather code location.
/// Refreshes the weather assets every morning at six, Vienna time, once `dev` or `daemon` runs;
/// `schedule stop daily_weather` turns it off.
let dailyWeather = Schedule(
    "daily_weather", cron: "0 6 * * *", timezone: "Europe/Vienna", select: "group:weather", defaultStatus: .running)

/// Refreshes the weather assets when a new CSV file lands in the inbox folder: `$WEATHER_INBOX`,
/// else `weather-inbox` in the Cairn home (`$CAIRN_HOME`, else `.cairn`). One run per file (its run key is the file's name and
/// modification time), so a file is never processed twice. It runs once `dev` or `daemon` does;
/// `sensor stop new_weather_files` turns it off.
let newWeatherFiles = Sensor(
    "new_weather_files", select: "group:weather", minimumInterval: .seconds(5), defaultStatus: .running,
    description:
        "Refreshes the weather assets when a CSV file lands in $WEATHER_INBOX (default: the home's weather-inbox)"
) { context in
    let inbox = ProcessInfo.processInfo.environment["WEATHER_INBOX"] ?? CairnHome().path + "/weather-inbox"
    try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
    let seen = context.cursor.flatMap(Double.init) ?? 0
    let folder = URL(fileURLWithPath: inbox, isDirectory: true)
    let files = try FileManager.default.contentsOfDirectory(
        at: folder, includingPropertiesForKeys: [.contentModificationDateKey]
    ).filter { $0.pathExtension == "csv" }
    let new = try files.compactMap { file -> (name: String, modified: Double)? in
        let modified = try file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
        guard let time = modified?.timeIntervalSince1970, time > seen else { return nil }
        return (file.lastPathComponent, time)
    }.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    guard let newest = new.last else { return .skip("no new CSV file in \(inbox)") }
    return SensorResult(
        runRequests: new.map { RunRequest(tags: ["file": $0.name], runKey: "\($0.name)@\($0.modified)") },
        cursor: "\(newest.modified)")
}

/// Posts a message to the Slack (or Slack-compatible) webhook whose URL is in `SLACK_WEBHOOK_URL`
/// when a run fails: its assets, id, error and failed steps. `sensor start slack_on_run_failure`
/// turns it on; a post that fails is retried at the next evaluation.
let slackOnRunFailure = Sensor.runFailureWebhook(url: .environment("SLACK_WEBHOOK_URL"), defaultStatus: .stopped)

let weatherDefinitions = Definitions(
    assets: [samples, dailyHighs, hottest, lowest], checks: [noImpossibleTemperatures], schedules: [dailyWeather],
    sensors: [newWeatherFiles, slackOnRunFailure],
    retryPolicy: RetryPolicy(maxRetries: 2, delay: .milliseconds(200), backoff: .exponential))

import Cairn
import Foundation

/// One page view, as the analytics API reports it.
struct PageView: Codable, Sendable, Hashable {
    var page: String
    var visitor: Int
    var region: String
    var tenant: String
    var seconds: Double
}

/// How often a page was visited on a day, and by how many visitors.
struct PageVisits: Codable, Sendable, Hashable {
    var page: String
    var views: Int
    var visitors: Int
}

/// The first quarter of 2024, one partition per day.
let days = PartitionsDefinition.daily(start: "2024-01-01", end: "2024-04-01")

/// The regions page views come from.
let regions: [PartitionKey] = ["americas", "emea", "apac"]

/// The page views of one day, as fetched from the analytics API: each day is fetched once and
/// kept in its own file, so re-fetching one day never touches another. The API answers after
/// `PAGEVIEWS_API_LATENCY_MS` milliseconds (0 unless set), to watch a slow backfill. Its steps
/// share the pool `pageviews_api`: `pageviews pool set pageviews_api 2` keeps a backfill's runs
/// from calling the API more than twice at once.
let rawPageViews = Asset(
    "raw_page_views", description: "The page views of one day, as the analytics API returns them.", group: "web",
    kinds: ["json"], partitions: days, pool: "pageviews_api"
) { context -> [PageView] in
    if let latency = ProcessInfo.processInfo.environment["PAGEVIEWS_API_LATENCY_MS"].flatMap(Int.init) {
        try await Task.sleep(for: .milliseconds(latency))
    }
    let views = SyntheticPageViews.day(try context.partitionKey)
    context.addMetadata(["views": .int(views.count)])
    return views
}

/// Views and distinct visitors per page and day.
let dailyPageVisits = Asset(
    "daily_page_visits", description: "Views and distinct visitors of each page, per day.", group: "web",
    partitions: days, from: rawPageViews
) { context, views in
    let visits = PageVisits.summarize(views)
    context.addMetadata(["pages": .int(visits.count)])
    return visits
}

/// The last seven days of visits, for each day: the day and the six before it.
let weeklyPageVisits = Asset(
    "weekly_page_visits", description: "Views and visitors of each page over the seven days up to each day.",
    group: "web", partitions: days, from: dailyPageVisits.partitions(.timeWindow(startOffset: -6))
) { context, week in
    context.addMetadata(["days": .int(week.count)])
    return PageVisits.combine(week.values)
}

/// Each month's visits, from the days of the month (the default mapping from months to days).
let monthlyReport = Asset(
    "monthly_report", description: "The ten most viewed pages of each month.", group: "reports",
    partitions: .monthly(start: "2024-01-01", end: "2024-04-01"), from: dailyPageVisits.partitions()
) { context, month in
    context.addMetadata(["days": .int(month.count)])
    return Array(PageVisits.combine(month.values).sorted { $0.views > $1.views }.prefix(10))
}

/// The visits of each day from each region: one partition per day and region.
let regionalPageVisits = Asset(
    "regional_page_visits", description: "Views and visitors of each page per day and region.", group: "web",
    partitions: .multi(["date": days, "region": .static(regions)]), from: rawPageViews
) { context, views in
    let region = try context.partitionKey.rawValue.split(separator: "|").last.map(String.init) ?? ""
    return PageVisits.summarize(views.filter { $0.region == region })
}

/// The usage of each tenant on the latest day; tenants are added with `partitions add tenants <names>`.
let tenantUsage = Asset(
    "tenant_usage", description: "Seconds spent by each tenant's visitors on the latest day.", group: "billing",
    partitions: .dynamic("tenants"), from: rawPageViews.partition(.lastPartition)
) { context, views in
    let tenant = try context.partitionKey.rawValue
    return views.filter { $0.tenant == tenant }.reduce(0) { $0 + $1.seconds }
}

/// Every day has visits: an empty day means the API returned nothing.
let visitsRecorded = AssetCheck("visits_recorded", on: dailyPageVisits, blocking: true) { context, visits in
    CheckResult(
        passed: !visits.isEmpty, description: "\(visits.count) pages visited on \(try context.partitionKey)",
        metadata: ["pages": .int(visits.count)])
}

/// The code location.
let pageviewDefinitions = Definitions(
    assets: [rawPageViews, dailyPageVisits, weeklyPageVisits, monthlyReport, regionalPageVisits, tenantUsage],
    checks: [visitsRecorded])

extension PageVisits {
    /// Views and distinct visitors per page, ordered by page.
    static func summarize(_ views: [PageView]) -> [PageVisits] {
        Dictionary(grouping: views, by: \.page).map { page, views in
            PageVisits(page: page, views: views.count, visitors: Set(views.map(\.visitor)).count)
        }.sorted { $0.page < $1.page }
    }

    /// Several days' visits added up per page (visitors are summed per day, as an upper bound).
    static func combine(_ days: [[PageVisits]]) -> [PageVisits] {
        var total: [String: PageVisits] = [:]
        for visit in days.joined() {
            total[visit.page, default: PageVisits(page: visit.page, views: 0, visitors: 0)].views += visit.views
            total[visit.page]!.visitors += visit.visitors
        }
        return total.values.sorted { $0.page < $1.page }
    }
}

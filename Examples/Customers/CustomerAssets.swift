import Cairn
import Foundation
import GRDB

/// The day the operational data describes: days since a purchase are counted up to it, so that
/// every run of the example gives the same segments.
let referenceDate = try! Date("2024-06-30T00:00:00Z", strategy: .iso8601)

/// The customers table of the operational database, extracted as it is.
///
/// Databases go down now and then: a failed extraction is retried three times, after about
/// 0.25 s, 0.75 s and 1.75 s (exponential backoff, with jitter of ± 0.25 s).
let rawCustomerData = Asset(
    "raw_customer_data", description: "The customers table of the operational database, as extracted",
    group: "customers", kinds: ["sqlite"], resources: [operationalDatabase], config: .defaults(ExtractConfig()),
    retryPolicy: RetryPolicy(maxRetries: 3, delay: .milliseconds(250), backoff: .exponential, jitter: .plusMinus)
) { context in
    let config = try context.config(ExtractConfig.self)
    if context.retryNumber < config.simulatedOutages {
        throw SimulatedOutage(attempt: context.retryNumber + 1, outages: config.simulatedOutages)
    }
    let connection = try context.resource(operationalDatabase)
    let rows = try await OperationalDatabase.customers(in: connection)
    context.log.info("Extracted \(rows.count) rows from \(connection.path)")
    context.addMetadata([
        "row_count": .int(rows.count),
        "null_ids": .int(rows.count { $0.id == nil }),
        "database": .path(connection.path),
        "schema": .markdown(TableSchema(inferringFrom: rows).markdown),
    ])
    return rows
}

/// Customers with an id, once each, with trimmed lower-case emails; rows with invalid emails are
/// kept or dropped as `CleaningConfig` says, and a blocking check stops the pipeline while any remain.
let cleanedCustomerData = Asset(
    "cleaned_customer_data", description: "Customers with ids, once each, with normalised emails",
    group: "customers", kinds: ["json"],
    checks: [
        AssetCheckSpec(
            "no_null_ids_and_valid_emails", description: "Every customer has an id and a valid email address",
            blocking: true)
    ],
    from: rawCustomerData, config: .defaults(CleaningConfig())
) { context, rows in
    let config = try context.config(CleaningConfig.self)
    let outcome = cleanCustomers(rows, invalidEmails: config.invalidEmails)
    let invalid = outcome.customers.filter { !isValidEmail($0.email) }
    context.report(
        CheckResult(
            passed: invalid.isEmpty,
            description: invalid.first.map { first in
                "\(invalid.count) customers have invalid emails (the first: customer \(first.id), '\(first.email)'); "
                    + "drop them with invalidEmails: drop in the config of cleaned_customer_data"
            },
            metadata: ["invalid_emails": .int(invalid.count), "dropped_null_ids": .int(outcome.nullIDsDropped)]),
        for: "no_null_ids_and_valid_emails")
    context.log.info(
        """
        Kept \(outcome.customers.count) of \(rows.count) rows: dropped \(outcome.nullIDsDropped) without id, \
        \(outcome.duplicatesDropped) duplicates, \(outcome.invalidEmailsDropped) with invalid emails
        """)
    context.addMetadata([
        "row_count": .int(outcome.customers.count),
        "dropped_null_ids": .int(outcome.nullIDsDropped),
        "dropped_duplicates": .int(outcome.duplicatesDropped),
        "dropped_invalid_emails": .int(outcome.invalidEmailsDropped),
        "invalid_emails": .int(invalid.count),
        "schema": .markdown(TableSchema(inferringFrom: outcome.customers).markdown),
    ])
    return outcome.customers
}

/// The largest number of days the newest signup may lie before the reference date.
let maximumSignupLagDays = 7

/// A non-blocking freshness check: a week without a single signup suggests the extraction is stale.
let freshSignups = AssetCheck(
    "fresh_signups", on: cleanedCustomerData,
    description: "The newest signup is at most \(maximumSignupLagDays) days older than the reference date",
    severity: .warn
) { _, customers in
    guard let newest = customers.map(\.signupDate).max() else {
        return CheckResult(passed: false, description: "there are no customers at all")
    }
    let lag: Int = days(from: newest, to: referenceDate)
    let fresh = lag <= maximumSignupLagDays
    let description: String? =
        fresh ? nil : "the newest signup is \(lag) days old (at most \(maximumSignupLagDays) expected)"
    return CheckResult(
        passed: fresh, description: description,
        metadata: ["newest_signup": .timestamp(newest), "lag_days": .int(lag)])
}

/// Each customer's segment: active, moderate or at risk, by the days since their last purchase.
let customerSegments = Asset(
    "customer_segments", description: "Customers by recency of their last purchase: active, moderate, at risk",
    group: "customers", kinds: ["json"], from: cleanedCustomerData, config: .defaults(SegmentThresholds())
) { context, customers in
    let thresholds = try context.config(SegmentThresholds.self)
    guard 0 <= thresholds.activeDays, thresholds.activeDays < thresholds.atRiskDays else {
        throw InvalidThresholds(thresholds: thresholds)
    }
    let segments = segmentCustomers(customers, thresholds: thresholds, asOf: referenceDate)
    var metadata: Metadata = [
        "row_count": .int(segments.count),
        "active_days": .int(thresholds.activeDays),
        "at_risk_days": .int(thresholds.atRiskDays),
    ]
    for segment in Segment.allCases {
        metadata[segment.rawValue] = .int(segments.count { $0.segment == segment })
    }
    metadata["schema"] = .markdown(TableSchema(inferringFrom: segments).markdown)
    context.addMetadata(metadata)
    return segments
}

/// What `cleanCustomers` kept and dropped.
struct CleaningOutcome: Sendable, Equatable {
    /// The customers kept, in the order of the raw rows.
    var customers: [Customer] = []
    /// Rows dropped because they have no id.
    var nullIDsDropped = 0
    /// Rows dropped because an earlier row has the same id.
    var duplicatesDropped = 0
    /// Rows dropped because their email is invalid (only with `invalidEmails: drop`).
    var invalidEmailsDropped = 0
}

/// Cleans raw rows: drops rows without an id and repeated ids (the first row of an id wins),
/// trims and lower-cases emails, keeps or drops invalid ones, and takes the signup date as the
/// last purchase of customers who never bought anything.
func cleanCustomers(_ rows: [RawCustomer], invalidEmails: CleaningConfig.InvalidEmails) -> CleaningOutcome {
    var outcome = CleaningOutcome()
    var seen = Set<Int>()
    for row in rows {
        guard let id = row.id else {
            outcome.nullIDsDropped += 1
            continue
        }
        guard seen.insert(id).inserted else {
            outcome.duplicatesDropped += 1
            continue
        }
        let email = row.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if invalidEmails == .drop && !isValidEmail(email) {
            outcome.invalidEmailsDropped += 1
            continue
        }
        outcome.customers.append(
            Customer(
                id: id, name: row.name, email: email, signupDate: row.signupDate,
                lastPurchaseDate: row.lastPurchaseDate ?? row.signupDate))
    }
    return outcome
}

/// Whether `email` looks like an address: `local@domain.tld`, one `@`, no spaces, a dot inside the domain.
func isValidEmail(_ email: String) -> Bool {
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !email.contains(where: \.isWhitespace) else { return false }
    let domain = parts[1]
    guard let dot = domain.firstIndex(of: "."), dot != domain.startIndex, domain.last != "." else { return false }
    return !domain.contains("..")
}

/// The segment of each customer, by the whole days from their last purchase to `date`.
func segmentCustomers(_ customers: [Customer], thresholds: SegmentThresholds, asOf date: Date) -> [CustomerSegment] {
    customers.map { customer in
        let days = days(from: customer.lastPurchaseDate, to: date)
        let segment: Segment =
            days <= thresholds.activeDays ? .active : days <= thresholds.atRiskDays ? .moderate : .atRisk
        return CustomerSegment(customerID: customer.id, segment: segment, daysSinceLastPurchase: days)
    }
}

/// The whole days from `start` to `end`, rounded down.
func days(from start: Date, to end: Date) -> Int {
    Int((end.timeIntervalSince(start) / 86_400).rounded(.down))
}

/// Segment thresholds that cannot make three segments.
struct InvalidThresholds: Error, CustomStringConvertible {
    /// The thresholds given.
    let thresholds: SegmentThresholds

    /// What is wrong and how to fix it.
    var description: String {
        "segment thresholds must satisfy 0 <= activeDays < atRiskDays, got activeDays \(thresholds.activeDays) "
            + "and atRiskDays \(thresholds.atRiskDays); fix them in the config of customer_segments"
    }
}

/// The resources of the customer pipeline: the local, self-seeding database by default, and with
/// `CAIRN_ENV=prod` the production database named by `CUSTOMERS_PROD_DB`, which must be set.
let customerResources = ResourceSet(
    [operationalDatabase.bind(OperationalDatabase())],
    environments: [
        "prod": [operationalDatabase.bind(OperationalDatabase(path: EnvVar("CUSTOMERS_PROD_DB"), seedIfMissing: false))]
    ])

/// The customers code location.
let customersDefinitions = Definitions(
    assets: [rawCustomerData, cleanedCustomerData, customerSegments], checks: [freshSignups],
    resources: customerResources)

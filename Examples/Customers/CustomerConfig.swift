/// The run config of `cleaned_customer_data`: what to do with rows whose email is not an address.
///
/// ```yaml
/// ops:
///   cleaned_customer_data:
///     config:
///       invalidEmails: drop
/// ```
struct CleaningConfig: Codable, Sendable, Equatable {
    /// What to do with a row whose email is not a valid address.
    enum InvalidEmails: String, Codable, Sendable, CaseIterable {
        /// Keep the row: the blocking check `no_null_ids_and_valid_emails` then fails.
        case keep
        /// Drop the row, and count it in the metadata.
        case drop
    }

    /// What to do with rows whose email is not a valid address; `keep` by default.
    var invalidEmails = InvalidEmails.keep
}

/// The run config of `customer_segments`: how many days since the last purchase make a customer
/// active, moderate or at risk.
///
/// ```yaml
/// ops:
///   customer_segments:
///     config: {activeDays: 14, atRiskDays: 60}
/// ```
struct SegmentThresholds: Codable, Sendable, Equatable {
    /// At most this many days since the last purchase: active.
    var activeDays = 30
    /// More than this many days since the last purchase: at risk; in between: moderate.
    var atRiskDays = 90
}

/// The run config of `raw_customer_data`: a way to see its retry policy at work.
///
/// ```yaml
/// ops:
///   raw_customer_data:
///     config: {simulatedOutages: 2}
/// ```
struct ExtractConfig: Codable, Sendable, Equatable {
    /// How many attempts fail as if the operational database were down before one gets through.
    var simulatedOutages = 0
}

import Foundation

/// A row of the operational database's `customers` table, as extracted: nothing cleaned yet.
struct RawCustomer: Codable, Sendable, Equatable {
    /// The customer's id; `nil` in a few broken rows of the operational database.
    var id: Int?
    /// The customer's full name.
    var name: String
    /// The email address, as typed: maybe in upper case, with spaces, or not an address at all.
    var email: String
    /// The day the customer signed up (midnight UTC).
    var signupDate: Date
    /// The day of the customer's last purchase; `nil` when they never bought anything.
    var lastPurchaseDate: Date?
}

/// A customer after cleaning: an id, a trimmed lower-case email, and a last purchase date.
struct Customer: Codable, Sendable, Equatable {
    /// The customer's id, unique.
    var id: Int
    /// The customer's full name.
    var name: String
    /// The email address, trimmed and in lower case.
    var email: String
    /// The day the customer signed up (midnight UTC).
    var signupDate: Date
    /// The day of the last purchase; the signup date for customers who never bought anything.
    var lastPurchaseDate: Date
}

/// How recently a customer bought something.
enum Segment: String, Codable, Sendable, CaseIterable {
    /// Bought within `SegmentThresholds.activeDays`.
    case active
    /// Bought within `SegmentThresholds.atRiskDays`, but not recently enough to be active.
    case moderate
    /// Has not bought anything for more than `SegmentThresholds.atRiskDays`.
    case atRisk = "at_risk"
}

/// A customer's segment, with the number of days behind it.
struct CustomerSegment: Codable, Sendable, Equatable {
    /// The customer's id.
    var customerID: Int
    /// The customer's segment.
    var segment: Segment
    /// Days from the last purchase to the reference date.
    var daysSinceLastPurchase: Int
}

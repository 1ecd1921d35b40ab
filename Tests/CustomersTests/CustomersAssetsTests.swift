import Cairn
import CairnTesting
import Foundation
import Testing

@testable import Customers

/// The customer assets tested the way a user tests theirs: in-process, with hand-made rows, and
/// once against a real SQLite operational database in a temporary directory.
@Suite struct CustomersAssetsTests {
    /// The day `days` days before the reference date.
    static func day(_ days: Int) -> Date { referenceDate.addingTimeInterval(-Double(days) * 86_400) }

    /// Six raw rows: one without an id, one repeated id, a messy email and an invalid one.
    static let rawRows = [
        RawCustomer(
            id: 1, name: "Ada Lovelace", email: "  Ada@Example.COM ", signupDate: day(400), lastPurchaseDate: day(3)),
        RawCustomer(id: nil, name: "Nobody", email: "nobody@example.com", signupDate: day(300), lastPurchaseDate: nil),
        RawCustomer(
            id: 2, name: "Alan Turing", email: "alan@example.org", signupDate: day(200), lastPurchaseDate: day(45)),
        RawCustomer(
            id: 2, name: "Alan Turing", email: "old@example.org", signupDate: day(200), lastPurchaseDate: day(150)),
        RawCustomer(
            id: 3, name: "Grace Hopper", email: "grace at example.com", signupDate: day(100), lastPurchaseDate: nil),
        RawCustomer(
            id: 4, name: "Edsger Dijkstra", email: "edsger@example.net", signupDate: day(2), lastPurchaseDate: day(2)),
    ]

    /// A run config giving the typed `config` to the step `step`, as `--config` would.
    static func runConfig(_ step: String, _ config: some Encodable) throws -> RunConfig {
        RunConfig(ops: [step: try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(config))])
    }

    @Test func cleaningKeepsInvalidEmailsByDefaultAndTheBlockingCheckFails() async throws {
        let result = try await materialize(
            [cleanedCustomerData, customerSegments], values: [.of(rawCustomerData, Self.rawRows)],
            checks: [freshSignups])
        #expect(!result.succeeded)
        #expect(result.run.failedSteps.map(\.key) == ["cleaned_customer_data"])
        #expect(
            Set(result.run.skippedSteps.map(\.key)) == ["customer_segments", "cleaned_customer_data:fresh_signups"])
        let check = try #require(result.checkEvaluation("no_null_ids_and_valid_emails", on: cleanedCustomerData))
        #expect(!check.passed)
        #expect(check.blocking)
        #expect(
            check.description?.contains(
                "1 customers have invalid emails (the first: customer 3, 'grace at example.com')") == true)
        // Like Dagster, the value is stored; only what is downstream is stopped.
        let cleaned = try await result.value(of: cleanedCustomerData)
        #expect(cleaned.map(\.id) == [1, 2, 3, 4])
        #expect(cleaned[0].email == "ada@example.com")
        #expect(cleaned[1].email == "alan@example.org")
        #expect(cleaned[2].lastPurchaseDate == Self.day(100))
        let metadata = try #require(result.metadata(of: cleanedCustomerData))
        #expect(metadata["row_count"] == .int(4))
        #expect(metadata["dropped_null_ids"] == .int(1))
        #expect(metadata["dropped_duplicates"] == .int(1))
        #expect(metadata["invalid_emails"] == .int(1))
        #expect(
            metadata["schema"]
                == .markdown(
                    "| Name | Type |\n| ---- | ---- |\n| id | int |\n| name | string |\n| email | string |\n"
                        + "| signupDate | timestamp |\n| lastPurchaseDate | timestamp |"))
    }

    @Test func droppingInvalidEmailsPassesTheCheckAndSegmentsFollow() async throws {
        let result = try await materialize(
            [cleanedCustomerData, customerSegments], values: [.of(rawCustomerData, Self.rawRows)],
            checks: [freshSignups],
            runConfig: try Self.runConfig("cleaned_customer_data", CleaningConfig(invalidEmails: .drop)))
        #expect(result.succeeded)
        #expect(try await result.value(of: cleanedCustomerData).map(\.id) == [1, 2, 4])
        #expect(result.metadata(of: cleanedCustomerData)?["dropped_invalid_emails"] == .int(1))
        #expect(result.checkEvaluation("no_null_ids_and_valid_emails", on: cleanedCustomerData)?.passed == true)
        #expect(result.checkEvaluation("fresh_signups", on: cleanedCustomerData)?.passed == true)
        #expect(
            try await result.value(of: customerSegments) == [
                CustomerSegment(customerID: 1, segment: .active, daysSinceLastPurchase: 3),
                CustomerSegment(customerID: 2, segment: .moderate, daysSinceLastPurchase: 45),
                CustomerSegment(customerID: 4, segment: .active, daysSinceLastPurchase: 2),
            ])
    }

    /// The test shown in the README.
    @Test func droppingInvalidEmailsPassesTheCheck() async throws {
        let rows = [
            RawCustomer(
                id: 1, name: "Ada", email: "  Ada@Example.COM ", signupDate: Self.day(5), lastPurchaseDate: Self.day(3)),
            RawCustomer(
                id: 3, name: "Grace", email: "grace at example.com", signupDate: Self.day(2), lastPurchaseDate: nil),
        ]
        let result = try await materialize(
            [cleanedCustomerData, customerSegments], values: [.of(rawCustomerData, rows)], checks: [freshSignups],
            runConfig: try Self.runConfig("cleaned_customer_data", CleaningConfig(invalidEmails: .drop)))
        #expect(result.succeeded)
        #expect(try await result.value(of: cleanedCustomerData).map(\.email) == ["ada@example.com"])
        #expect(result.checkEvaluation("no_null_ids_and_valid_emails", on: cleanedCustomerData)?.passed == true)
        #expect(result.checkEvaluation("fresh_signups", on: cleanedCustomerData)?.passed == true)
    }

    @Test func segmentThresholdsComeFromConfig() async throws {
        let customers = [3, 20, 31, 60, 61, 90, 91, 400].enumerated().map { index, days in
            Customer(
                id: index + 1, name: "C\(index)", email: "c\(index)@example.com", signupDate: Self.day(500),
                lastPurchaseDate: Self.day(days))
        }
        let defaults = try await materialize([customerSegments], values: [.of(cleanedCustomerData, customers)])
        #expect(defaults.succeeded)
        #expect(
            try await defaults.value(of: customerSegments).map(\.segment) == [
                .active, .active, .moderate, .moderate, .moderate, .moderate, .atRisk, .atRisk,
            ])
        let metadata = try #require(defaults.metadata(of: customerSegments))
        #expect(metadata["active"] == .int(2))
        #expect(metadata["moderate"] == .int(4))
        #expect(metadata["at_risk"] == .int(2))
        #expect(metadata["schema"]?.description.contains("| segment | string |") == true)

        let strict = try await materialize(
            [customerSegments], values: [.of(cleanedCustomerData, customers)],
            runConfig: try Self.runConfig("customer_segments", SegmentThresholds(activeDays: 14, atRiskDays: 60)))
        #expect(
            try await strict.value(of: customerSegments).map(\.segment) == [
                .active, .moderate, .moderate, .moderate, .atRisk, .atRisk, .atRisk, .atRisk,
            ])

        let inverted = try await materialize(
            [customerSegments], values: [.of(cleanedCustomerData, customers)],
            runConfig: try Self.runConfig("customer_segments", SegmentThresholds(activeDays: 90, atRiskDays: 30)))
        #expect(!inverted.succeeded)
        let failure = try #require(inverted.events(ofType: .stepFailure).first)
        #expect(failure.message.contains("0 <= activeDays < atRiskDays, got activeDays 90 and atRiskDays 30"))
    }

    @Test func staleSignupsOnlyWarn() async throws {
        let stale = [
            RawCustomer(
                id: 1, name: "A", email: "a@example.com", signupDate: Self.day(30), lastPurchaseDate: Self.day(1))
        ]
        let result = try await materialize(
            [cleanedCustomerData], values: [.of(rawCustomerData, stale)], checks: [freshSignups])
        #expect(result.succeeded)
        let check = try #require(result.checkEvaluation("fresh_signups", on: cleanedCustomerData))
        #expect(!check.passed)
        #expect(check.severity == .warn)
        #expect(!check.blocking)
        #expect(check.description == "the newest signup is 30 days old (at most 7 expected)")
    }

    @Test func theOperationalDatabaseIsSeededOnFirstUseAndReadThroughTheResource() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("customers-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/operational.sqlite").path
        let environment = ["CUSTOMERS_DB": path]

        let first = try await materialize(
            [rawCustomerData, cleanedCustomerData, customerSegments], checks: [freshSignups],
            resources: customerResources, environment: environment)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!first.succeeded)
        let raw = try await first.value(of: rawCustomerData)
        #expect(raw == SyntheticCustomers.rows())
        #expect(raw.count == 306)
        let rawMetadata = try #require(first.metadata(of: rawCustomerData))
        #expect(rawMetadata["row_count"] == .int(306))
        #expect(rawMetadata["null_ids"] == .int(4))
        #expect(rawMetadata["database"] == .path(path))
        #expect(first.logMessages.contains("Extracted 306 rows from \(path)"))
        #expect(first.metadata(of: cleanedCustomerData)?["invalid_emails"] == .int(6))

        let fixed = try await materialize(
            [rawCustomerData, cleanedCustomerData, customerSegments], checks: [freshSignups],
            resources: customerResources,
            runConfig: try Self.runConfig("cleaned_customer_data", CleaningConfig(invalidEmails: .drop)),
            environment: environment)
        #expect(fixed.succeeded)
        let cleaned = try await fixed.value(of: cleanedCustomerData)
        #expect(cleaned.count == 294)
        #expect(cleaned.allSatisfy { isValidEmail($0.email) && $0.email == $0.email.lowercased() })
        #expect(Set(cleaned.map(\.id)).count == 294)
        let segments = try #require(fixed.metadata(of: customerSegments))
        let counts = ["active", "moderate", "at_risk"].compactMap { segments[$0]?.numericValue }
        #expect(counts.count == 3 && counts.reduce(0, +) == 294)
        #expect(counts.allSatisfy { $0 > 30 })
        #expect(fixed.checkEvaluation("fresh_signups", on: cleanedCustomerData)?.passed == true)
    }

    @Test func theSeedIsDeterministicAndHasTheAdvertisedFlaws() {
        let rows = SyntheticCustomers.rows()
        #expect(rows == SyntheticCustomers.rows())
        #expect(rows.count { $0.id == nil } == 4)
        #expect(Set(rows.compactMap(\.id)).count == 300)
        let cleaned = cleanCustomers(rows, invalidEmails: .keep)
        #expect(cleaned.duplicatesDropped == 2)
        #expect(cleaned.customers.filter { !isValidEmail($0.email) }.map(\.id) == [17, 58, 99, 140, 201, 262])
        #expect(rows.first { $0.id == 9 }?.email.hasPrefix("  ") == true)
        #expect(rows.allSatisfy { row in row.lastPurchaseDate.map { $0 >= row.signupDate } ?? true })
        #expect(rows.allSatisfy { $0.signupDate < referenceDate })
    }

    @Test func extractionIsRetriedWithExponentialBackoffAndJitter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("customers-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["CUSTOMERS_DB": directory.appendingPathComponent("operational.sqlite").path]

        let clock = TestClock()
        let recovered = try await materialize(
            [rawCustomerData], resources: customerResources,
            runConfig: try Self.runConfig("raw_customer_data", ExtractConfig(simulatedOutages: 2)),
            environment: environment, clock: clock)
        #expect(recovered.succeeded)
        let retries = recovered.events(ofType: .stepUpForRetry)
        #expect(retries.count == 2)
        #expect(
            retries[0].message.contains(
                "(retry 1 of 3): the operational database did not answer (simulated outage 1 of 2)"))
        // Exponential: 250 ms, then 750 ms, each ± 250 ms of jitter.
        #expect(clock.sleeps.count == 2)
        #expect((Duration.zero...Duration.milliseconds(500)).contains(clock.sleeps[0]))
        #expect((Duration.milliseconds(500)...Duration.milliseconds(1000)).contains(clock.sleeps[1]))

        let down = try await materialize(
            [rawCustomerData], resources: customerResources,
            runConfig: try Self.runConfig("raw_customer_data", ExtractConfig(simulatedOutages: 4)),
            environment: environment)
        #expect(!down.succeeded)
        #expect(down.events(ofType: .stepUpForRetry).count == 3)
        #expect(down.events(ofType: .stepFailure).first?.message.contains("simulated outage 4 of 4") == true)
    }

    @Test func prodNeedsItsOwnDatabaseVariableBeforeAnythingRuns() async throws {
        let error = await #expect(throws: ResourceError.self) {
            try await materialize([rawCustomerData], resources: customerResources, environment: ["CAIRN_ENV": "prod"])
        }
        let text = error?.description ?? ""
        #expect(text.contains("CUSTOMERS_PROD_DB, needed by resource 'operational_db' (OperationalDatabase)"))

        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID()).sqlite").path
        let unseeded = try await materialize(
            [rawCustomerData], resources: customerResources,
            environment: ["CAIRN_ENV": "prod", "CUSTOMERS_PROD_DB": missing])
        #expect(!unseeded.succeeded)
        #expect(!FileManager.default.fileExists(atPath: missing))
        let failure = try #require(unseeded.events(ofType: .runFailure).first)
        #expect(failure.message.contains("the operational database \(missing) does not exist; set CUSTOMERS_PROD_DB"))
    }
}

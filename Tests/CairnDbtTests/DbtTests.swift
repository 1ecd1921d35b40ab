import Cairn
import CairnDbt
import CairnPipes
import CairnTesting
import Foundation
import Testing

/// The Shop example's dbt project, loaded and built through Cairn with the real dbt-core and
/// dbt-duckdb.
@Suite(.serialized) struct DbtTests {
    private func materializations(_ result: MaterializeResult) -> [AssetKey] {
        result.events.filter { $0.event.type == .assetMaterialization }.compactMap(\.event.assetKey)
    }

    private func evaluation(_ result: MaterializeResult, _ check: String) -> CheckEvaluation? {
        result.events.first { $0.event.checkEvaluation?.checkName == check }?.event.checkEvaluation
    }

    @Test func modelsSeedsSourcesAndTestsBecomeAssetsAndChecks() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let models = await DbtAssets.load(shop.project)
        #expect(models.loadError == nil, "\(String(describing: models.loadError))")
        let graph = try Definitions(assets: [models]).assetGraph
        let keys = Set(graph.nodes.map(\.key))
        for model in ["stg_customers", "stg_orders", "stg_payments", "customers", "orders", "daily_revenue"] {
            #expect(keys.contains(AssetKey(model)), "\(model) is not an asset")
        }
        #expect(keys.contains("raw_customers"), "the seed is not an asset")
        #expect(graph["raw_orders"]?.isSource == true && graph["raw_payments"]?.isSource == true)
        let customers = try #require(graph["customers"]?.spec)
        #expect(customers.group == "marts")
        #expect(customers.kinds == ["dbt", "duckdb"])
        #expect(customers.owners == ["analytics@shop.example"])
        #expect(customers.codeVersion != nil)
        #expect(Set(customers.dependencyKeys) == ["stg_customers", "stg_orders", "stg_payments"])
        #expect(graph["stg_orders"]?.spec.dependencyKeys == ["raw_orders"])
        let orders = try #require(graph["orders"]?.spec)
        let relationships = try #require(orders.checks.first { $0.name.hasPrefix("relationships_orders_customer_id") })
        #expect(relationships.blocking && relationships.severity == .error)
        let accepted = try #require(graph["stg_orders"]?.spec.checks.first { $0.name.hasPrefix("accepted_values") })
        #expect(!accepted.blocking && accepted.severity == .warn)
        #expect(
            Set(models.assetChecks.map(\.spec.name)) == [
                "source_unique_raw_raw_orders_id", "source_not_null_raw_raw_orders_id",
            ])
        #expect(models.assetChecks.allSatisfy { $0.assetKey == "raw_orders" })

        // A dbt selection narrows the assets, resolved by `dbt ls`.
        let marts = await DbtAssets.load(shop.project, select: "marts", exclude: "daily_revenue")
        let martKeys = Set(marts.assetsDefinitions.filter { !$0.isSource }.flatMap(\.keys))
        #expect(martKeys == ["customers", "orders"])
    }

    @Test func aRunBuildsExactlyItsSelectionAndRecordsEachResult() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let models = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let storage = InMemoryStorage()
        let all = try await materialize([shop.ingestion, models], storage: storage)
        #expect(all.run.status == .success, "\(all.run)")
        #expect(
            Set(materializations(all)).isSuperset(of: [
                "raw_orders", "raw_payments", "raw_customers", "stg_customers", "stg_orders", "stg_payments",
                "customers", "orders",
            ]))
        let customers = try #require(
            all.events.first { $0.event.assetKey == "customers" && $0.event.type == .assetMaterialization })
        #expect(customers.event.metadata["relation_name"] != nil)
        #expect(customers.event.metadata["execution_time_s"] != nil)
        #expect(evaluation(all, "unique_customers_customer_id")?.passed == true)
        #expect(evaluation(all, "source_unique_raw_raw_orders_id")?.passed == true)
        #expect(try shop.query("select count(*) from customers") == "[(10,)]")

        let subset = try await materialize([shop.ingestion, models], selection: "key:stg_orders", storage: storage)
        #expect(subset.run.status == .success)
        #expect(materializations(subset) == ["stg_orders"])
        #expect(evaluation(subset, "unique_stg_orders_order_id")?.passed == true)
        #expect(evaluation(subset, "unique_customers_customer_id") == nil)
    }

    @Test func aFailingModelFailsItsAssetAndWhatIsDownstreamWhileOtherBranchesGoOn() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        try shop.write("models/marts/broken.sql", "select * from {{ ref('stg_orders') }} where no_such_column = 1\n")
        try shop.write("models/marts/after_broken.sql", "select * from {{ ref('broken') }}\n")
        let models = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let afterCustomers = Asset("customer_count", deps: ["customers"]) { _ in 1 }
        let afterBroken = Asset("broken_count", deps: ["after_broken"]) { _ in 1 }
        let result = try await materialize([shop.ingestion, models, afterCustomers, afterBroken])
        #expect(result.run.status == .failure)
        let done = Set(materializations(result))
        #expect(done.isSuperset(of: ["customers", "orders", "stg_orders", "customer_count"]))
        #expect(!done.contains("broken") && !done.contains("after_broken") && !done.contains("broken_count"))
        let failure = try #require(result.events.first { $0.event.type == .stepFailure && $0.event.stepKey == "dbt" })
        #expect(failure.event.message.contains("model 'broken' (broken)"))
        #expect(result.events.contains { $0.event.type == .stepSkipped && $0.event.stepKey == "broken_count" })
        #expect(result.logMessages.contains { $0.contains("dbt skipped model 'after_broken'") })
    }

    @Test func failingTestsAreBlockingOrWarningChecks() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        try FileManager.default.createDirectory(atPath: shop.directory + "/tests", withIntermediateDirectories: true)
        try shop.write(
            "tests/customers_are_all_nobody.sql", "select * from {{ ref('customers') }} where first_name != 'Nobody'\n")
        try shop.write(
            "tests/orders_are_all_placed.sql",
            "{{ config(severity='warn') }}\nselect * from {{ ref('orders') }} where status != 'placed'\n")
        let models = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let report = Asset("report", deps: ["customers"]) { _ in 1 }
        let afterOrders = Asset("order_count", deps: ["orders"]) { _ in 1 }
        let result = try await materialize([shop.ingestion, models, report, afterOrders])
        #expect(result.run.status == .failure)
        let blocking = try #require(evaluation(result, "customers_are_all_nobody"))
        #expect(!blocking.passed && blocking.blocking && blocking.severity == .error)
        let warning = try #require(evaluation(result, "orders_are_all_placed"))
        #expect(!warning.passed && !warning.blocking && warning.severity == .warn)
        let failures = try #require(result.events.first { $0.event.checkEvaluation?.checkName == warning.checkName })
        #expect(failures.event.metadata["failures"] != nil)
        #expect(result.events.contains { $0.event.type == .stepSkipped && $0.event.stepKey == "report" })
        #expect(materializations(result).contains("order_count"))
    }

    @Test func editingAModelsSQLMakesItAndWhatIsDownstreamStale() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let storage = InMemoryStorage()
        let before = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let first = try await materialize([shop.ingestion, before], storage: storage)
        #expect(first.run.status == .success)
        #expect(try await first.statuses()["customers"] == .fresh)
        // A new modification time, later than the manifest's.
        try await Task.sleep(for: .milliseconds(1_100))
        try shop.append("models/staging/stg_customers.sql", "-- edited\n")
        let after = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let statuses = try await Definitions(assets: [shop.ingestion, after]).statuses(storage: storage)
        #expect(
            statuses["stg_customers"]?.reasons.contains { if case .codeVersionChanged = $0 { true } else { false } }
                == true)
        #expect(statuses["customers"]?.isStaleOrMissing == true)
        #expect(statuses["orders"] == .fresh)
    }

    @Test func martsFollowNewRawDataByDeclarativeAutomation() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let models = await DbtAssets.load(shop.project, exclude: "daily_revenue", automationCondition: .eager())
        let storage = InMemoryStorage()
        let first = try await materialize([shop.ingestion, models], storage: storage)
        #expect(first.run.status == .success)
        let evaluator = try AutomationEvaluator(definitions: Definitions(assets: [shop.ingestion, models]))
        let quiet = try await evaluator.evaluate(
            cursor: try await storage.automationCursor(), storage: storage, now: Date())
        #expect(try await storage.storeAutomationTick(quiet.tick))
        #expect(quiet.requests.isEmpty, "\(quiet.requests)")

        let landed = try await materialize([shop.ingestion, models], selection: "key:raw_orders", storage: storage)
        #expect(landed.run.status == .success)
        let tick = try await evaluator.evaluate(
            cursor: try await storage.automationCursor(), storage: storage, now: Date())
        let requested = Set(tick.requests.map(\.assetKey))
        #expect(requested.isSuperset(of: ["stg_orders", "stg_payments"]), "\(requested)")
        #expect(!requested.contains("stg_customers"))
    }

    @Test func aPartitionedIncrementalModelIsBuiltOneDayAtATime() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let models = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        let daily = await DbtAssets.load(
            shop.project, name: "daily_dbt", select: "daily_revenue", partitions: .daily(start: "2024-03-01"))
        let storage = InMemoryStorage()
        let upstream = try await materialize(
            [shop.ingestion, models, daily], selection: "* and not key:daily_revenue", storage: storage)
        #expect(upstream.run.status == .success)
        for day in ["2024-03-02", "2024-03-03"] {
            let result = try await materialize(
                [shop.ingestion, models, daily], selection: "key:daily_revenue", partition: PartitionKey(day),
                storage: storage)
            #expect(result.run.status == .success, "\(result.run)")
            let event = try #require(result.events.first { $0.event.type == .assetMaterialization })
            #expect(event.event.partition == PartitionKey(day))
            let vars = result.events.first { $0.event.message.hasPrefix("Running dbt build") }?.event.metadata["vars"]
            #expect(vars?.description.contains("\"min_date\":\"\(day)T00:00:00+00:00\"") == true)
        }
        #expect(
            try shop.query("select strftime(order_day, '%Y-%m-%d') from daily_revenue order by 1")
                == "[('2024-03-02',), ('2024-03-03',)]")
    }

    @Test func badProjectsFailClearlyAndTheRestStillLoads() async throws {
        let shop = try ShopProject()
        defer { shop.remove() }
        let other = Asset("independent") { _ in 42 }

        let notAProject = await DbtAssets.load(DbtProject(directory: shop.directory + "/models"))
        #expect("\(notAProject.loadError!)".contains("has no dbt_project.yml"))
        #expect(notAProject.assetsDefinitions.isEmpty)
        #expect(try await materialize([notAProject, other]).run.status == .success)

        let missingDbt = await DbtAssets.load(
            DbtProject(directory: shop.directory, dbtExecutable: "/nonexistent/bin/dbt"))
        #expect("\(missingDbt.loadError!)".contains("install dbt-core"))

        try shop.write("models/marts/uncompilable.sql", "select {{ this is not jinja }}\n")
        let broken = await DbtAssets.load(shop.project)
        let parseError = "\(broken.loadError!)"
        #expect(parseError.contains("dbt parse` exited with status 2"), "\(parseError)")
        #expect(parseError.contains("uncompilable"))
        try FileManager.default.removeItem(atPath: shop.directory + "/models/marts/uncompilable.sql")

        let noProfile = await DbtAssets.load(
            DbtProject(
                directory: shop.directory, profilesDirectory: shop.directory + "/models",
                dbtExecutable: shop.project.dbtExecutable))
        #expect("\(noProfile.loadError!)".contains("Could not find profile named 'shop'"), "\(noProfile.loadError!)")

        let loaded = await DbtAssets.load(shop.project)
        #expect(loaded.loadError == nil)
        try Data("{\"nodes\": [".utf8).write(to: URL(fileURLWithPath: shop.project.manifestPath))
        let brokenManifest = await DbtAssets.load(shop.project)
        #expect("\(brokenManifest.loadError!)".contains("is broken"))

        // A profile that cannot connect fails the step, not the loading.
        try shop.write(
            "profiles.yml",
            "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /nonexistent/dir/shop.duckdb\n"
        )
        try? FileManager.default.removeItem(atPath: shop.project.manifestPath)
        let unreachable = await DbtAssets.load(shop.project, exclude: "daily_revenue")
        #expect(unreachable.loadError == nil, "\(String(describing: unreachable.loadError))")
        let result = try await materialize([unreachable, other], selection: "key:raw_customers or key:independent")
        #expect(result.run.status == .failure)
        let failure = try #require(result.events.first { $0.event.type == .stepFailure })
        #expect(failure.event.message.contains("dbt build` exited with status 2"), "\(failure.event.message)")
        #expect(materializations(result) == ["independent"])
    }
}

import Cairn
import CairnCLI
import CairnDbt
import CairnPipes
import Foundation

// Seed 001: a dbt project beside Python assets. A Pipes script lands raw orders and payments in
// DuckDB, dbt builds staging and mart models from them and a seed of customers (its tests are
// Cairn checks), and a Pipes script reports on the customers mart. The marts follow raw data by
// declarative automation; daily_revenue is an incremental model built one day (partition) at
// a time.
//
// Run from the checkout after `scripts/test` (which creates .venv with dbt-core, dbt-duckdb and
// dagster-pipes): `swift run shop materialize --select '*'`.

let environment = ProcessInfo.processInfo.environment
let venv = environment["VIRTUAL_ENV"] ?? FileManager.default.currentDirectoryPath + "/.venv"
let python = environment["CAIRN_PYTHON"] ?? "\(venv)/bin/python"
let exampleDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
/// The DuckDB database every step uses, under the Cairn home; dbt's profile reads SHOP_DUCKDB.
let database = CairnHome().path + "/shop.duckdb"
setenv("SHOP_DUCKDB", database, 1)
try FileManager.default.createDirectory(atPath: CairnHome().path, withIntermediateDirectories: true)

let project = DbtProject(
    directory: "\(exampleDirectory)/dbt", profilesDirectory: "\(exampleDirectory)/dbt",
    dbtExecutable: FileManager.default.isExecutableFile(atPath: "\(venv)/bin/dbt") ? "\(venv)/bin/dbt" : "dbt")

let ingestion = MultiAsset.external(
    "ingest_raw", specs: [AssetSpec("raw_orders", group: "raw"), AssetSpec("raw_payments", group: "raw")],
    command: [python, "\(exampleDirectory)/scripts/ingest.py"], extras: ["days": 5, "database": .string(database)])

/// Every model, seed and snapshot but the partitioned one; marts follow raw data when it lands.
let models = await DbtAssets.load(project, name: "shop_dbt", exclude: "daily_revenue", automationCondition: .eager())
/// The incremental model, one day at a time: its window reaches dbt as the vars min_date and max_date.
let dailyRevenue = await DbtAssets.load(
    project, name: "daily_revenue_dbt", select: "daily_revenue", partitions: .daily(start: "2024-03-01"))

let customerReport = Asset.external(
    "customer_report", command: [python, "\(exampleDirectory)/scripts/report.py"],
    extras: ["database": .string(database)], description: "The best customers, from the customers mart",
    group: "reports", kinds: ["python", "duckdb"], automationCondition: .eager(),
    deps: [models.key(of: "customers") ?? "customers"])

await CodeLocation.main(Definitions(assets: [ingestion, models, dailyRevenue, customerReport]))

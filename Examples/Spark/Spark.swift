import Cairn
import CairnCLI
import CairnPipes
import Foundation

// Seed 000: a PySpark job computes a table as Parquet, a Python script summarizes it, and Cairn
// orchestrates both over Dagster Pipes: unmodified `dagster-pipes` scripts, their metadata, checks
// and logs recorded as if they were Swift assets, their Spark output in the run's log.
//
// Run from the checkout after `scripts/test` (which creates .venv with pyspark, pyarrow and
// dagster-pipes): `swift run spark materialize --select '*'`.

/// The checkout's venv, where `spark-submit` and a Python with the packages are.
let environment = ProcessInfo.processInfo.environment
let venv = environment["VIRTUAL_ENV"] ?? FileManager.default.currentDirectoryPath + "/.venv"
/// The Python the jobs and Spark's workers use.
let python = environment["CAIRN_PYTHON"] ?? "\(venv)/bin/python"
let sparkSubmit =
    FileManager.default.isExecutableFile(atPath: "\(venv)/bin/spark-submit")
    ? "\(venv)/bin/spark-submit" : "spark-submit"
/// This example's folder, whose `jobs` and `scripts` the commands run.
let exampleDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
/// Where the Parquet table goes: under the Cairn home (`$CAIRN_HOME`, else `.cairn`).
let warehouse = CairnHome().path + "/warehouse"
let peopleTable = "\(warehouse)/people_over_50.parquet"

let peopleOverFifty = Asset(
    "people_over_50", description: "People older than 50, computed by Spark and stored as Parquet",
    group: "spark", kinds: ["spark", "parquet"], codeVersion: "1",
    checks: [AssetCheckSpec("no_minors", description: "Nobody in the table is under 18")]
) { context in
    try FileManager.default.createDirectory(atPath: warehouse, withIntermediateDirectories: true)
    return try await context.pipes.run(
        [sparkSubmit, "--master", "local[2]", "\(exampleDirectory)/jobs/people.py"],
        extras: ["min_age": 50, "output": .string(peopleTable)],
        environment: ["PYSPARK_PYTHON": python, "PYSPARK_DRIVER_PYTHON": python])
}

let peopleSummary = Asset.external(
    "people_summary", command: [python, "\(exampleDirectory)/scripts/summary.py"],
    extras: ["input": .string(peopleTable)], description: "A summary of the people table, read with pyarrow",
    group: "spark", kinds: ["python"], from: peopleOverFifty)

await CodeLocation.main(Definitions(assets: [peopleOverFifty, peopleSummary]))

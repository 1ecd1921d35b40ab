import Cairn
import CairnDbt
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// Loading a large dbt manifest, and Cairn's overhead on top of `dbt build`.
    static func dbtBenchmarks() async throws {
        try await manifestLoading()
        let dbt = FileManager.default.currentDirectoryPath + "/.venv/bin/dbt"
        guard FileManager.default.isExecutableFile(atPath: dbt) else {
            print("dbt: no dbt at \(dbt); run scripts/test first (it installs dbt-core and dbt-duckdb into .venv)")
            return
        }
        try await buildOverhead(dbt: dbt)
    }

    /// A generated manifest of 5,000 models and 10,000 tests (about 30 MB, with 500 macros)
    /// read into validated Definitions.
    private static func manifestLoading() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-dbt-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (seconds, count, bytes) = try await manifestLoadSeconds(in: directory)
        report(
            "load a dbt manifest of 5,000 models and 10,000 tests (\(bytes / 1_000_000) MB) into "
                + "validated Definitions (\(count) assets)", seconds, target: 0.300)
    }

    /// Writes a dbt project of a generated manifest of 5,000 models and 10,000 tests in
    /// `directory` (`target/manifest.json`), and measures loading it into validated Definitions.
    ///
    /// - Returns: the median of 5 loads, the assets loaded and the manifest's size in bytes.
    static func manifestLoadSeconds(in directory: URL) async throws -> (seconds: Double, assets: Int, bytes: Int) {
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("target"), withIntermediateDirectories: true)
        try Data("name: bench\nprofile: bench\n".utf8).write(to: directory.appendingPathComponent("dbt_project.yml"))
        let manifest = ManifestGenerator(models: 5_000, testsPerModel: 2, macros: 500).json
        try Data(manifest.utf8).write(to: directory.appendingPathComponent("target/manifest.json"))
        let project = DbtProject(directory: directory.path)
        var count = 0
        let seconds = try await measureAsync(rounds: 5) {
            let assets = await DbtAssets.load(project)
            precondition(assets.loadError == nil, "\(String(describing: assets.loadError))")
            count = try Definitions(assets: [assets]).assetGraph.nodes.count
        }
        return (seconds, count, manifest.utf8.count)
    }

    /// `dbt build` of 100 view models on DuckDB through Cairn, minus the same build run bare
    /// (same flags, the same selection in a selectors file, the same warm partial parse): per model.
    private static func buildOverhead(dbt: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-dbt-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let count = 100
        try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        try Data("name: bench\nprofile: bench\nmodels:\n  bench:\n    +materialized: view\n".utf8).write(
            to: URL(fileURLWithPath: directory + "/dbt_project.yml"))
        try Data(
            "bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: \(directory)/bench.duckdb\n"
                .utf8
        ).write(to: URL(fileURLWithPath: directory + "/profiles.yml"))
        for index in 0..<count {
            let sql = index == 0 ? "select 1 as id" : "select id + 1 as id from {{ ref('model_\(index / 2)') }}"
            try Data(sql.utf8).write(to: URL(fileURLWithPath: directory + "/models/model_\(index).sql"))
        }
        // The bare build selects the same nodes the same way Cairn does: a union in selectors.yml.
        try Data(
            ("selectors:\n  - name: bench_all\n    definition:\n      union:\n"
                + (0..<count).map { "        - method: fqn\n          value: \"bench.model_\($0)\"\n" }.joined()).utf8
        ).write(to: URL(fileURLWithPath: directory + "/selectors.yml"))
        let project = DbtProject(directory: directory, profilesDirectory: directory, dbtExecutable: dbt)
        let assets = await DbtAssets.load(project)
        precondition(assets.loadError == nil, "\(String(describing: assets.loadError))")
        let definitions = Definitions(assets: [assets])
        var differences: [Double] = []
        for _ in 0..<3 {
            let bare = try measure(rounds: 1) {
                let target = directory + "/target-bare"
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                try? FileManager.default.copyItem(
                    atPath: directory + "/target/partial_parse.msgpack", toPath: target + "/partial_parse.msgpack")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: dbt)
                process.currentDirectoryURL = URL(fileURLWithPath: directory)
                process.arguments =
                    [
                        "build", "--project-dir", directory, "--profiles-dir", directory, "--target-path", target,
                        "--log-path", target, "--log-format", "json", "--log-level", "debug", "--selector", "bench_all",
                    ]
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                precondition(process.terminationStatus == 0, "the bare dbt build failed")
            }
            let cairn = try await materializeSeconds(definitions, rounds: 1)
            differences.append((cairn - bare) / Double(count))
        }
        report("dbt build of 100 models: Cairn minus the bare dbt build, per model", median(differences), target: 0.002)
    }
}

/// Writes a manifest in the shape of dbt 1.11's (schema v12): models in a chain of layers, two
/// tests on each, and macros, with the fields real nodes carry.
struct ManifestGenerator {
    let models: Int
    let testsPerModel: Int
    let macros: Int

    var json: String {
        var out = "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\", "
        out += "\"dbt_version\": \"1.11.16\", \"project_name\": \"bench\", \"adapter_type\": \"duckdb\"}, \"nodes\": {"
        var first = true
        func entry(_ id: String, _ body: String) {
            out += (first ? "" : ", ") + "\"\(id)\": " + body
            first = false
        }
        for index in 0..<models {
            let parent = index == 0 ? "" : "\"model.bench.model_\(index / 2)\""
            entry("model.bench.model_\(index)", model(index, parent: parent))
            for test in 0..<testsPerModel {
                let name = test == 0 ? "not_null_model_\(index)_id" : "unique_model_\(index)_id"
                entry(
                    "test.bench.\(name).a1b2c3d4e5",
                    self.test(name, model: index, kind: test == 0 ? "not_null" : "unique"))
            }
        }
        out += "}, \"sources\": {}, \"macros\": {"
        first = true
        for index in 0..<macros {
            entry(
                "macro.bench.macro_\(index)",
                "{\"name\": \"macro_\(index)\", \"resource_type\": \"macro\", \"package_name\": \"bench\", "
                    + "\"macro_sql\": \"\(String(repeating: "{% macro m() %} select 1 {% endmacro %} ", count: 20))\", "
                    + "\"depends_on\": {\"macros\": []}, \"description\": \"\", \"meta\": {}, \"arguments\": []}")
        }
        out += "}, \"docs\": {}, \"exposures\": {}, \"metrics\": {}, \"groups\": {}, \"selectors\": {}, "
        out += "\"disabled\": {}, \"parent_map\": {}, \"child_map\": {}, \"semantic_models\": {}, \"unit_tests\": {}}"
        return out
    }

    private func model(_ index: Int, parent: String) -> String {
        let config =
            "{\"enabled\": true, \"alias\": null, \"schema\": null, \"database\": null, \"tags\": [\"layer_\(index % 7)\"], "
            + "\"meta\": {\"owner\": \"team_\(index % 13)@example.com\"}, \"group\": null, \"materialized\": \"view\", "
            + "\"incremental_strategy\": null, \"persist_docs\": {}, \"post-hook\": [], \"pre-hook\": [], "
            + "\"quoting\": {}, \"column_types\": {}, \"full_refresh\": null, \"unique_key\": null, "
            + "\"on_schema_change\": \"ignore\", \"on_configuration_change\": \"apply\", \"grants\": {}, "
            + "\"packages\": [], \"docs\": {\"show\": true, \"node_color\": null}, \"contract\": {\"enforced\": false}, "
            + "\"access\": \"protected\"}"
        return
            "{\"database\": \"bench\", \"schema\": \"main\", \"name\": \"model_\(index)\", \"resource_type\": \"model\", "
            + "\"package_name\": \"bench\", \"path\": \"layer_\(index % 7)/model_\(index).sql\", "
            + "\"original_file_path\": \"models/layer_\(index % 7)/model_\(index).sql\", "
            + "\"unique_id\": \"model.bench.model_\(index)\", \"fqn\": [\"bench\", \"layer_\(index % 7)\", \"model_\(index)\"], "
            + "\"alias\": \"model_\(index)\", \"checksum\": {\"name\": \"sha256\", \"checksum\": \"\(String(format: "%064x", index))\"}, "
            + "\"config\": \(config), \"tags\": [\"layer_\(index % 7)\"], \"description\": \"Model number \(index) of the benchmark\", "
            + "\"columns\": {\"id\": {\"name\": \"id\", \"description\": \"The key\", \"meta\": {}, \"data_type\": null, "
            + "\"constraints\": [], \"quote\": null, \"tags\": []}}, \"meta\": {\"owner\": \"team_\(index % 13)@example.com\"}, "
            + "\"group\": null, \"docs\": {\"show\": true, \"node_color\": null}, \"patch_path\": \"bench://models/schema.yml\", "
            + "\"build_path\": null, \"unrendered_config\": {\"materialized\": \"view\"}, \"created_at\": 1733500000.0, "
            + "\"relation_name\": \"\\\"bench\\\".\\\"main\\\".\\\"model_\(index)\\\"\", "
            + "\"raw_code\": \"select id + 1 as id, 'some text' as label, current_date as day\\nfrom {{ ref('model_\(index / 2)') }}\\nwhere id is not null\", "
            + "\"language\": \"sql\", \"refs\": [{\"name\": \"model_\(index / 2)\", \"package\": null, \"version\": null}], "
            + "\"sources\": [], \"metrics\": [], \"depends_on\": {\"macros\": [], \"nodes\": [\(parent)]}, "
            + "\"compiled_path\": null, \"contract\": {\"enforced\": false, \"alias_types\": true, \"checksum\": null}, "
            + "\"access\": \"protected\", \"constraints\": [], \"version\": null, \"latest_version\": null, \"deprecation_date\": null}"
    }

    private func test(_ name: String, model index: Int, kind: String) -> String {
        "{\"database\": \"bench\", \"schema\": \"main_dbt_test__audit\", \"name\": \"\(name)\", \"resource_type\": \"test\", "
            + "\"package_name\": \"bench\", \"path\": \"\(name).sql\", \"original_file_path\": \"models/schema.yml\", "
            + "\"unique_id\": \"test.bench.\(name).a1b2c3d4e5\", \"fqn\": [\"bench\", \"layer_\(index % 7)\", \"\(name)\"], "
            + "\"alias\": \"\(name)\", \"checksum\": {\"name\": \"none\", \"checksum\": \"\"}, "
            + "\"config\": {\"enabled\": true, \"alias\": null, \"schema\": \"dbt_test__audit\", \"database\": null, "
            + "\"tags\": [], \"meta\": {}, \"group\": null, \"materialized\": \"test\", \"severity\": \"ERROR\", "
            + "\"store_failures\": null, \"store_failures_as\": null, \"where\": null, \"limit\": null, "
            + "\"fail_calc\": \"count(*)\", \"warn_if\": \"!= 0\", \"error_if\": \"!= 0\"}, \"tags\": [], "
            + "\"description\": \"\", \"columns\": {}, \"meta\": {}, \"group\": null, \"docs\": {\"show\": true, \"node_color\": null}, "
            + "\"patch_path\": null, \"build_path\": null, \"unrendered_config\": {}, \"created_at\": 1733500000.0, "
            + "\"relation_name\": null, \"raw_code\": \"{{ test_\(kind)(**_dbt_generic_test_kwargs) }}\", \"language\": \"sql\", "
            + "\"refs\": [{\"name\": \"model_\(index)\", \"package\": null, \"version\": null}], \"sources\": [], \"metrics\": [], "
            + "\"depends_on\": {\"macros\": [\"macro.dbt.test_\(kind)\"], \"nodes\": [\"model.bench.model_\(index)\"]}, "
            + "\"compiled_path\": null, \"contract\": {\"enforced\": false, \"alias_types\": true, \"checksum\": null}, "
            + "\"column_name\": \"id\", \"file_key_name\": \"models.model_\(index)\", \"attached_node\": \"model.bench.model_\(index)\", "
            + "\"test_metadata\": {\"name\": \"\(kind)\", \"kwargs\": {\"column_name\": \"id\", "
            + "\"model\": \"{{ get_where_subquery(ref('model_\(index)')) }}\"}, \"namespace\": null}}"
    }
}

import Cairn
import Foundation

/// A dbt project's models, seeds and snapshots as Cairn assets, its tests as their checks, and
/// its sources as source assets, ready for `Definitions(assets:)`.
///
/// All of them are one subsettable multi-asset: a run of any selection runs `dbt build` once for
/// exactly the selected nodes, and records each node's result as dbt reports it.
///
/// ```swift
/// let shop = await DbtAssets.load(DbtProject(directory: "dbt", profilesDirectory: "dbt"))
/// let definitions = Definitions(assets: [rawOrders, shop, ordersReport])
/// ```
public struct DbtAssets: AssetsDefinitionConvertible {
    /// The project.
    public let project: DbtProject
    /// The manifest it was loaded from; `nil` when loading failed.
    public let manifest: DbtManifest?
    /// Why loading failed, if it did: the assets are then absent, and the rest of the
    /// definitions load and run.
    public let loadError: (any Error)?
    /// The asset key of each node that became an asset or source asset, by unique id.
    public let keys: [String: AssetKey]
    /// The multi-asset of the built nodes and the source assets.
    public let assetsDefinitions: [AssetsDefinition]
    /// The checks of the tests on sources, each running `dbt test` on its test.
    public let assetChecks: [AssetCheck]

    /// The key of the node named `name` (a model, seed, snapshot, or a source's table).
    public func key(of name: String) -> AssetKey? {
        guard let manifest else { return nil }
        return manifest.nodes.values.filter { $0.name == name }.sorted { $0.uniqueID < $1.uniqueID }.first.flatMap {
            keys[$0.uniqueID]
        }
    }

    /// Loads the project's manifest (running `dbt parse` when it is missing or stale) and makes
    /// its assets. A project that cannot be loaded gives no assets and says why on stderr and in
    /// `loadError`, so that the rest of a code location still loads.
    ///
    /// - Parameters:
    ///   - project: the dbt project.
    ///   - name: the step key of the multi-asset.
    ///   - select: a dbt selection (`tag:nightly`, `marts.*`) narrowing the nodes that become
    ///     assets, resolved once with `dbt ls`; every model, seed and snapshot when `nil`.
    ///   - exclude: a dbt selection of nodes to leave out.
    ///   - partitions: how the assets are partitioned; a run of a partition passes its time window
    ///     as the vars `min_date` and `max_date`.
    ///   - automationCondition: when automation requests the assets, such as `.eager()`.
    ///   - assetKey: the key of a node that gives none in `meta.cairn.asset_key` (or
    ///     `meta.dagster.asset_key`); its name by default.
    ///   - retryPolicy: how a failed build is retried.
    public static func load(
        _ project: DbtProject,
        name: String = "dbt",
        select: String? = nil,
        exclude: String? = nil,
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil,
        assetKey: (@Sendable (DbtNode) -> AssetKey)? = nil,
        retryPolicy: RetryPolicy? = nil
    ) async -> DbtAssets {
        do {
            let manifest = try await project.manifest()
            let chosen =
                select == nil && exclude == nil ? nil : try await project.list(select: select, exclude: exclude)
            return DbtAssets(
                project: project, manifest: manifest, name: name, chosen: chosen, partitions: partitions,
                automationCondition: automationCondition, assetKey: assetKey, retryPolicy: retryPolicy)
        } catch {
            FileHandle.standardError.write(
                Data("cairn: the dbt project at \(project.directory) was not loaded: \(error)\n".utf8))
            return DbtAssets(project: project, error: error)
        }
    }

    private init(project: DbtProject, error: any Error) {
        self.project = project
        manifest = nil
        loadError = error
        keys = [:]
        assetsDefinitions = []
        assetChecks = []
    }

    init(
        project: DbtProject, manifest: DbtManifest, name: String, chosen: Set<String>?,
        partitions: PartitionsDefinition?, automationCondition: AutomationCondition?,
        assetKey: (@Sendable (DbtNode) -> AssetKey)?, retryPolicy: RetryPolicy?
    ) {
        self.project = project
        self.manifest = manifest
        loadError = nil
        let built = manifest.nodes.values.filter { $0.isBuilt && (chosen?.contains($0.uniqueID) ?? true) }
            .sorted { $0.uniqueID < $1.uniqueID }
        let sources = manifest.nodes.values.filter { $0.resourceType == "source" }.sorted { $0.uniqueID < $1.uniqueID }
        var keys: [String: AssetKey] = [:]
        // Models outside the selection keep their keys: another DbtAssets of the project may
        // define them, and this one's models depend on them by key.
        for node in manifest.nodes.values where node.isBuilt || node.resourceType == "source" {
            keys[node.uniqueID] = DbtAssets.key(of: node, default: assetKey)
        }
        self.keys = keys
        let testsByNode = Dictionary(
            grouping: manifest.tests.filter { $0.attachedNode != nil }, by: { $0.attachedNode! })
        // Dependencies pass through ephemeral models and nodes that are not assets to the
        // nearest asset or source upstream.
        var upstreamCache: [String: Set<String>] = [:]
        func upstreamAssets(of id: String, depth: Int = 0) -> Set<String> {
            if let cached = upstreamCache[id] { return cached }
            var result = Set<String>()
            guard depth < 1_000, let node = manifest.nodes[id] else { return result }
            for parent in node.dependsOn {
                if let upstream = manifest.nodes[parent], upstream.isBuilt || upstream.resourceType == "source" {
                    result.insert(parent)
                } else {
                    result.formUnion(upstreamAssets(of: parent, depth: depth + 1))
                }
            }
            upstreamCache[id] = result
            return result
        }
        var usedSources = Set<String>()
        let specs = built.map { node -> AssetSpec in
            let parents = upstreamAssets(of: node.uniqueID).sorted()
            usedSources.formUnion(parents.filter { manifest.nodes[$0]?.resourceType == "source" })
            return AssetSpec(
                keys[node.uniqueID]!, description: node.description.isEmpty ? nil : node.description,
                group: DbtAssets.group(of: node),
                tags: Dictionary(node.tags.map { ($0, "") }, uniquingKeysWith: { a, _ in a }),
                owners: DbtAssets.owners(of: node), kinds: ["dbt", manifest.adapterType].filter { !$0.isEmpty },
                codeVersion: node.checksum.map { String($0.prefix(16)) },
                metadata: Metadata(
                    [("dbt_unique_id", MetadataValue.text(node.uniqueID))]
                        + (node.relationName.map { [("relation_name", MetadataValue.text($0))] } ?? [])),
                dependencies: parents.map { AssetDependency(keys[$0]!, kind: .order) },
                checks: (testsByNode[node.uniqueID] ?? []).map(DbtAssets.checkSpec),
                automationCondition: automationCondition)
        }
        var definitions: [AssetsDefinition] = []
        if !specs.isEmpty {
            let nodesByKey = Dictionary(built.map { (keys[$0.uniqueID]!, $0) }, uniquingKeysWith: { a, _ in a })
            let testsByNode = testsByNode
            let keys = keys
            definitions.append(
                MultiAsset(
                    name, specs: specs, partitions: partitions, retryPolicy: retryPolicy,
                    config: .defaults(DbtBuildConfig()), isSubsettable: true
                ) { context, outputs in
                    try await DbtBuild(project: project, nodes: nodesByKey, tests: testsByNode, keys: keys)
                        .run(context, outputs: outputs)
                }.definition)
        }
        var checks: [AssetCheck] = []
        for source in sources where usedSources.contains(source.uniqueID) || chosen == nil {
            let key = keys[source.uniqueID]!
            definitions.append(
                SourceAsset<Nothing>(
                    key, description: source.description.isEmpty ? nil : source.description,
                    group: DbtAssets.group(of: source), owners: DbtAssets.owners(of: source),
                    kinds: ["dbt", manifest.adapterType].filter { !$0.isEmpty }
                ).definition.asStandIn())
            for test in testsByNode[source.uniqueID] ?? [] {
                let spec = DbtAssets.checkSpec(test)
                checks.append(
                    AssetCheck(
                        spec.name, asset: key, description: spec.description, severity: spec.severity,
                        blocking: spec.blocking
                    ) { context in
                        try await DbtBuild.runSourceTest(test, project: project, context: context)
                    })
            }
        }
        assetsDefinitions = definitions
        assetChecks = checks
    }

    /// `meta.cairn.asset_key` or `meta.dagster.asset_key` (a list of parts or a string), else
    /// the user's function, else the node's name.
    static func key(of node: DbtNode, default makeKey: ((DbtNode) -> AssetKey)?) -> AssetKey {
        for tool in ["cairn", "dagster"] {
            guard case .object(let settings)? = node.meta[tool] else { continue }
            switch settings["asset_key"] {
            case .array(let parts)?:
                let strings = parts.compactMap { value -> String? in
                    if case .string(let part) = value { return part }
                    return nil
                }
                if !strings.isEmpty { return AssetKey(path: strings) }
            case .string(let key)?: return AssetKey(key)
            default: break
            }
        }
        if let makeKey { return makeKey(node) }
        return AssetKey(path: [node.name])
    }

    /// `meta.cairn.group` or `meta.dagster.group`, else the dbt group, else the node's folder
    /// (`staging`, `marts`), else the project's name.
    static func group(of node: DbtNode) -> String {
        for tool in ["cairn", "dagster"] {
            if case .object(let settings)? = node.meta[tool], case .string(let group)? = settings["group"] {
                return group
            }
        }
        if let group = node.group { return group }
        let folders = node.fqn.dropFirst().dropLast()
        let folder = node.resourceType == "source" ? node.sourceName : folders.last
        return (folder ?? node.packageName).replacingOccurrences(of: "-", with: "_")
    }

    /// `meta.owner` (a string or a list).
    static func owners(of node: DbtNode) -> [String] {
        switch node.meta["owner"] {
        case .string(let owner)?: [owner]
        case .array(let owners)?:
            owners.compactMap { value -> String? in
                if case .string(let owner) = value { return owner }
                return nil
            }
        default: []
        }
    }

    /// The check of a test: `error` severity blocks, `warn` warns.
    static func checkSpec(_ test: DbtTest) -> AssetCheckSpec {
        let warns = test.severity == "warn"
        return AssetCheckSpec(
            test.name,
            description: test.description.isEmpty ? test.testName.map { "dbt test \($0)" } : test.description,
            severity: warns ? .warn : .error, blocking: !warns)
    }
}

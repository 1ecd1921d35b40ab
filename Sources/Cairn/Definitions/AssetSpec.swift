/// Everything Cairn knows about one asset apart from how it is computed.
public struct AssetSpec: Sendable {
    /// The asset's unique key.
    public var key: AssetKey
    /// What the asset is, for people.
    public var description: String?
    /// The group the asset belongs to; `default` when none is given.
    public var group: String
    /// Free-form labels, selectable with `tag:key=value`.
    public var tags: [String: String]
    /// Who is responsible for it: e-mail addresses or `team:name`.
    public var owners: [String]
    /// What kind of thing it is or what computes it (`table`, `csv`, `dbt`, `python`).
    public var kinds: [String]
    /// A version of the code that computes it; changing it makes the asset stale.
    public var codeVersion: String?
    /// Static metadata shown with the definition.
    public var metadata: Metadata
    /// The assets this one depends on, data inputs first.
    public var dependencies: [AssetDependency]
    /// The checks the asset evaluates itself inside its compute function.
    public var checks: [AssetCheckSpec]
    /// How the asset is divided into partitions; `nil` when it is not partitioned.
    public var partitions: PartitionsDefinition?
    /// When the automation daemon requests the asset; `nil` for never.
    public var automationCondition: AutomationCondition?

    /// Creates a spec; the parameters mirror those of `Asset`.
    public init(
        _ key: AssetKey,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        dependencies: [AssetDependency] = [],
        checks: [AssetCheckSpec] = [],
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil
    ) {
        self.key = key
        self.description = description
        self.group = group ?? AssetSpec.defaultGroup
        self.tags = tags
        self.owners = owners
        self.kinds = kinds
        self.codeVersion = codeVersion
        self.metadata = metadata
        self.dependencies = dependencies
        self.checks = checks
        self.partitions = partitions
        self.automationCondition = automationCondition
    }

    /// The group of assets that name none: `default`, as in Dagster.
    public static let defaultGroup = "default"

    /// The keys of all dependencies, data and non-data.
    public var dependencyKeys: [AssetKey] { dependencies.map(\.key) }
}

/// A dependency of one asset on another.
public struct AssetDependency: Hashable, Sendable {
    /// Whether the upstream value is passed to the compute function or only ordered before it.
    public enum Kind: String, Hashable, Sendable {
        /// The upstream asset's value is loaded and passed in.
        case data
        /// The upstream asset only has to be materialized first (`deps:`).
        case order
    }

    /// The upstream asset.
    public var key: AssetKey
    /// How this asset uses it.
    public var kind: Kind
    /// Which upstream partitions each partition of this asset depends on; the default when `nil`.
    public var partitionMapping: PartitionMapping?

    /// Creates a dependency.
    public init(_ key: AssetKey, kind: Kind, partitionMapping: PartitionMapping? = nil) {
        self.key = key
        self.kind = kind
        self.partitionMapping = partitionMapping
    }
}

extension AssetDependency {
    /// Data dependencies on the referenced assets, in order, then order-only ones on `deps`.
    static func list<each Upstream: AssetReference>(
        data upstream: repeat each Upstream, order deps: [AssetKey]
    ) -> [AssetDependency] {
        var dependencies: [AssetDependency] = []
        for reference in repeat each upstream {
            dependencies.append(
                AssetDependency(reference.key, kind: .data, partitionMapping: reference.inputPartitionMapping))
        }
        return dependencies + deps.map { AssetDependency($0, kind: .order) }
    }
}

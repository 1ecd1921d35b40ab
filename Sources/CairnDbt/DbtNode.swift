import Cairn

/// A node of a dbt project's manifest that Cairn turns into an asset: a model, seed, snapshot
/// or source.
public struct DbtNode: Sendable, Hashable {
    /// `model.shop.stg_orders`, `source.shop.raw.orders`.
    public var uniqueID: String
    /// `model`, `seed`, `snapshot` or `source`.
    public var resourceType: String
    /// The node's name (for a source, the table's name).
    public var name: String
    /// The dbt package it belongs to.
    public var packageName: String
    /// The file that defines it, relative to the project.
    public var originalFilePath: String
    /// The fully qualified name: package, folders, name.
    public var fqn: [String]
    /// `table`, `view`, `incremental`, `ephemeral`, ...; `nil` for sources.
    public var materialized: String?
    /// The node's `meta`, with `config.meta` merged in.
    public var meta: [String: JSONValue]
    /// The dbt group it belongs to (`config.group`), if any.
    public var group: String?
    /// Its description.
    public var description: String
    /// Its tags.
    public var tags: [String]
    /// The checksum of its file: its code version, so editing the SQL makes it stale.
    public var checksum: String?
    /// The unique ids of the nodes it depends on.
    public var dependsOn: [String]
    /// The relation it builds or reads, such as `"main"."stg_orders"`.
    public var relationName: String?
    /// For a source: the source's name (`raw` in `source('raw', 'orders')`).
    public var sourceName: String?

    /// Whether dbt builds it into a relation: models other than ephemeral ones, seeds, snapshots.
    public var isBuilt: Bool {
        ["model", "seed", "snapshot"].contains(resourceType) && materialized != "ephemeral"
    }

    /// The `dbt` selection of exactly this node: `fqn:` and its dotted name, or `source:` for a source.
    var selector: String {
        resourceType == "source"
            ? "source:\(packageName).\(sourceName ?? "").\(name)" : "fqn:" + fqn.joined(separator: ".")
    }
}

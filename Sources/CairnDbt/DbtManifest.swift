import Cairn
import CairnPipes
import Foundation

/// What Cairn reads from a dbt project's `target/manifest.json`: its models, seeds, snapshots,
/// sources and tests. Read member by member, skipping macros, docs and what else is not needed,
/// so that a manifest of tens of megabytes loads in a fraction of a second.
public struct DbtManifest: Sendable {
    /// The project's name.
    public var projectName: String
    /// The adapter, such as `duckdb` or `postgres`.
    public var adapterType: String
    /// The models, seeds, snapshots and sources, by unique id.
    public var nodes: [String: DbtNode]
    /// The data tests.
    public var tests: [DbtTest]
    /// The largest manifest read: 1 GiB, thirty times one of 5,000 models and 10,000 tests.
    public static let maxBytes = 1 << 30

    /// Reads a manifest.
    ///
    /// - Throws: `DbtError.brokenManifest` when the file is not a dbt manifest.
    public init(contentsOf path: String) throws(DbtError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        guard size <= Self.maxBytes else {
            throw .brokenManifest(
                path: path, reason: "it has \(size) bytes, over the \(Self.maxBytes) Cairn reads; narrow the project")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .brokenManifest(path: path, reason: "it cannot be read")
        }
        do {
            self = try JSONReader.read(Array(data)) { (reader) throws(JSONReader.Failure) in try Self.read(&reader) }
        } catch {
            throw .brokenManifest(path: path, reason: "\(error)")
        }
        guard !projectName.isEmpty else {
            throw .brokenManifest(path: path, reason: "it has no metadata.project_name; is it a dbt manifest?")
        }
    }

    private init() {
        projectName = ""
        adapterType = ""
        nodes = [:]
        tests = []
    }

    private static func read(_ reader: inout JSONReader) throws(JSONReader.Failure) -> DbtManifest {
        var manifest = DbtManifest()
        try reader.object { (key, reader) throws(JSONReader.Failure) in
            if key == "metadata" {
                try reader.object { (key, reader) throws(JSONReader.Failure) in
                    if key == "project_name" {
                        manifest.projectName = try reader.readNull() ? "" : try reader.string()
                    } else if key == "adapter_type" {
                        manifest.adapterType = try reader.readNull() ? "" : try reader.string()
                    } else {
                        try reader.skipValue()
                    }
                }
            } else if key == "nodes" || key == "sources" {
                try reader.object { (_, reader) throws(JSONReader.Failure) in
                    switch try ManifestEntry.read(&reader) {
                    case .node(let node): manifest.nodes[node.uniqueID] = node
                    case .test(let test): manifest.tests.append(test)
                    case .other: break
                    }
                }
            } else {
                try reader.skipValue()
            }
        }
        return manifest
    }
}

/// One entry of the manifest's `nodes` or `sources`.
private enum ManifestEntry {
    case node(DbtNode)
    case test(DbtTest)
    case other

    static func read(_ reader: inout JSONReader) throws(JSONReader.Failure) -> ManifestEntry {
        var node = DbtNode(
            uniqueID: "", resourceType: "", name: "", packageName: "", originalFilePath: "", fqn: [],
            materialized: nil, meta: [:], group: nil, description: "", tags: [], checksum: nil, dependsOn: [],
            relationName: nil, sourceName: nil)
        var severity = "ERROR"
        var testName: String?
        var attachedNode: String?
        var columnName: String?
        var configMeta: [String: JSONValue] = [:]
        try reader.object { (key, reader) throws(JSONReader.Failure) in
            if key == "unique_id" {
                node.uniqueID = try reader.string()
            } else if key == "resource_type" {
                node.resourceType = try reader.string()
            } else if key == "name" {
                node.name = try reader.string()
            } else if key == "package_name" {
                node.packageName = try reader.string()
            } else if key == "original_file_path" {
                node.originalFilePath = try reader.string()
            } else if key == "source_name" {
                node.sourceName = try optionalString(&reader)
            } else if key == "description" {
                node.description = try optionalString(&reader) ?? ""
            } else if key == "relation_name" {
                node.relationName = try optionalString(&reader)
            } else if key == "group" {
                node.group = try optionalString(&reader)
            } else if key == "attached_node" {
                attachedNode = try optionalString(&reader)
            } else if key == "column_name" {
                columnName = try optionalString(&reader)
            } else if key == "fqn" {
                node.fqn = try strings(&reader)
            } else if key == "tags" {
                node.tags = try strings(&reader)
            } else if key == "meta" {
                node.meta = try meta(&reader)
            } else if key == "checksum" {
                try reader.object { (key, reader) throws(JSONReader.Failure) in
                    if key == "checksum" { node.checksum = try reader.string() } else { try reader.skipValue() }
                }
            } else if key == "depends_on" {
                try reader.object { (key, reader) throws(JSONReader.Failure) in
                    if key == "nodes" { node.dependsOn = try strings(&reader) } else { try reader.skipValue() }
                }
            } else if key == "test_metadata" {
                if try !reader.readNull() {
                    try reader.object { (key, reader) throws(JSONReader.Failure) in
                        if key == "name" { testName = try reader.string() } else { try reader.skipValue() }
                    }
                }
            } else if key == "config" {
                try reader.object { (key, reader) throws(JSONReader.Failure) in
                    if key == "materialized" {
                        node.materialized = try optionalString(&reader)
                    } else if key == "severity" {
                        severity = try optionalString(&reader) ?? "ERROR"
                    } else if key == "meta" {
                        configMeta = try meta(&reader)
                    } else if key == "group" {
                        if let group = try optionalString(&reader) { node.group = group }
                    } else {
                        try reader.skipValue()
                    }
                }
            } else {
                try reader.skipValue()
            }
        }
        node.meta.merge(configMeta) { _, fromConfig in fromConfig }
        switch node.resourceType {
        case "model", "seed", "snapshot", "source":
            return .node(node)
        case "test":
            let attached = attachedNode ?? (node.dependsOn.count == 1 ? node.dependsOn[0] : nil)
            return .test(
                DbtTest(
                    uniqueID: node.uniqueID, name: node.name, fqn: node.fqn, attachedNode: attached,
                    severity: severity.lowercased(), testName: testName, columnName: columnName,
                    description: node.description))
        default:
            return .other
        }
    }

    private static func optionalString(_ reader: inout JSONReader) throws(JSONReader.Failure) -> String? {
        try reader.readNull() ? nil : try reader.string()
    }

    private static func strings(_ reader: inout JSONReader) throws(JSONReader.Failure) -> [String] {
        var values: [String] = []
        if try reader.readNull() { return values }
        try reader.array { (reader) throws(JSONReader.Failure) in values.append(try reader.string()) }
        return values
    }

    private static func meta(_ reader: inout JSONReader) throws(JSONReader.Failure) -> [String: JSONValue] {
        guard case .object(let members) = try reader.value() else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last })
    }
}

import Foundation

/// A copy of a dbt project made of symbolic links to its files, with a `selectors.yml` of its
/// own: dbt reads selectors only from the project's root, and a selection of thousands of nodes
/// does not fit on a command line.
///
/// The copy lives at one place per project (`target/cairn_shadow`), so that dbt's partial parse,
/// which records the project's path, stays valid from one build to the next; builds take turns
/// through `ProjectLock`.
struct ShadowProject {
    /// The name of the selector of the run's nodes.
    static let selectorName = "cairn_run"

    /// The copy's directory.
    let path: String
    /// Where the copy's partial parse is kept between builds.
    let partialParse: String

    /// Links every entry of `project` but `selectors.yml`, `target` and `logs` into
    /// `target/cairn_shadow`, and writes a selector of the nodes with these fully qualified names.
    init(of project: String, selecting fqns: [[String]]) throws {
        path = project + "/target/cairn_shadow"
        partialParse = project + "/target/cairn_shadow_partial_parse.msgpack"
        let files = FileManager.default
        try? files.removeItem(atPath: path)
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        for entry in try files.contentsOfDirectory(atPath: project)
        where !["selectors.yml", "target", "logs"].contains(entry) {
            try files.createSymbolicLink(atPath: path + "/" + entry, withDestinationPath: project + "/" + entry)
        }
        var yaml = "selectors:\n  - name: \(Self.selectorName)\n    definition:\n      union:\n"
        for fqn in fqns {
            yaml += "        - method: fqn\n          value: \(Self.quoted(fqn.joined(separator: ".")))\n"
        }
        if fqns.isEmpty { yaml += "        - method: fqn\n          value: \"__cairn_nothing__\"\n" }
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path + "/selectors.yml"))
    }

    /// A YAML double-quoted scalar (JSON's string syntax, which YAML accepts).
    static func quoted(_ text: String) -> String {
        "\""
            + text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                case _ where scalar.value < 0x20: return String(format: "\\u%04x", scalar.value)
                default: return String(scalar)
                }
            }.joined() + "\""
    }
}

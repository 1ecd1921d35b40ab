/// A graph of ops run together as one run, as Dagster's op jobs: for pipelines whose
/// intermediate values are not assets worth keeping (seed 000's Spark steps).
///
/// Intermediate outputs stay in memory unless an op names an IO manager; give the last op a
/// persistent one to keep the result.
public struct Job: Sendable {
    /// The job's name: `execute --job <name>`.
    public let name: String
    /// What the job does.
    public let description: String?
    /// The ops' computations, in the order given.
    public let ops: [AssetsDefinition]
    /// The IO manager of ops that name none; memory when `nil`.
    public let ioManager: (any IOManager)?
    /// Where the job was defined.
    public let location: SourceLocation

    /// Defines a job from its ops; the graph follows from their inputs.
    public init(
        _ name: String,
        description: String? = nil,
        ops: [any OpConvertible],
        ioManager: (any IOManager)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.name = name
        self.description = description
        self.ops = ops.map(\.opDefinition)
        self.ioManager = ioManager
        self.location = SourceLocation(file: file, line: line)
    }

    /// The same job storing the outputs of ops that name no IO manager through `ioManager`.
    public func withIOManager(_ ioManager: any IOManager) -> Job {
        Job(name: name, description: description, ops: ops, ioManager: ioManager, location: location)
    }

    private init(
        name: String, description: String?, ops: [AssetsDefinition], ioManager: (any IOManager)?,
        location: SourceLocation
    ) {
        self.name = name
        self.description = description
        self.ops = ops
        self.ioManager = ioManager
        self.location = location
    }

    /// The job's validated graph of ops.
    func graph() throws(DefinitionsError) -> AssetGraph {
        do {
            return try AssetGraph(ops)
        } catch {
            throw DefinitionsError(
                problems: error.problems.map { problem in
                    .init(
                        location: problem.location,
                        message: "job '\(name)': "
                            + problem.message.replacingOccurrences(of: "asset '", with: "op '")
                            .replacingOccurrences(of: "the assets form", with: "the ops form"))
                })
        }
    }
}

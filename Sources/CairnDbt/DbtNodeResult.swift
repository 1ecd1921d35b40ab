import Cairn
import CairnPipes

/// How dbt ended one node of a build, from its `NodeFinished` log event.
struct DbtNodeResult: Sendable {
    /// The node's unique id.
    var uniqueID: String
    /// `success`, `error`, `skipped` for models, seeds and snapshots; `pass`, `fail`, `warn`,
    /// `error`, `skipped` for tests.
    var status: String
    /// dbt's message: `OK`, `INSERT 7`, or the error.
    var message: String?
    /// How long dbt took, in seconds.
    var executionTime: Double?
    /// For tests: how many rows failed.
    var failures: Int?
    /// The adapter's response: rows affected, the database's message.
    var adapterResponse: PipesValue?
    /// The relation built.
    var relationName: String?

    init?(_ data: PipesValue) {
        guard let node = data["node_info"], let id = node["unique_id"]?.string else { return nil }
        uniqueID = id
        let run = data["run_result"]
        status = run?["status"]?.string ?? node["node_status"]?.string ?? "unknown"
        message = run?["message"]?.string
        switch run?["execution_time"] {
        case .float(let seconds)?: executionTime = seconds
        case .int(let seconds)?: executionTime = Double(seconds)
        default: executionTime = nil
        }
        if case .int(let count)? = run?["num_failures"] { failures = count }
        adapterResponse = run?["adapter_response"]
        relationName = node["node_relation"]?["relation_name"]?.string
    }

    /// The materialization's metadata: what dbt reports of the node.
    var metadata: Metadata {
        var metadata = Metadata()
        metadata["unique_id"] = .text(uniqueID)
        if let executionTime { metadata["execution_time_s"] = .float((executionTime * 1000).rounded() / 1000) }
        if let relationName { metadata["relation_name"] = .text(relationName) }
        if let response = adapterResponse, case .object = response {
            switch response["rows_affected"] {
            case .int(let rows)?: metadata["rows_affected"] = .int(rows)
            case .float(let rows)?: metadata["rows_affected"] = .int(Int(rows))
            default: break
            }
            metadata["adapter_response"] = .json(response.jsonValue)
        }
        return metadata
    }
}

/// A run with the steps it executes, its config and its partitions checked: what `RunPlanner`
/// makes and `RunExecution` executes.
public struct PlannedRun: Sendable {
    /// The run; stored by `RunExecution.execute(_:)` or `InstanceOperations.queueRun`, or already,
    /// for a run claimed from the queue.
    public var run: Run
    /// Its steps, in an order that respects their dependencies.
    public let plan: ExecutionPlan
    /// The graph its steps come from: the code location's assets, or a job's ops.
    public let graph: AssetGraph
    /// The job of a job's run.
    let job: Job?
    /// The typed config of each step that takes some.
    let stepConfigs: [String: any Sendable]
    /// The partitions the run materializes, for runs of partitioned assets.
    let partitions: RunPartitions?
}

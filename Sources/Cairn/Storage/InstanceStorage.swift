/// Every storage role at once: what a storage of a whole instance implements (`InMemoryStorage`,
/// `SQLiteStorage`), and what only the components that reach all of an instance take
/// (`InstanceOperations`, the web UI). Every other component takes the roles it uses, named by
/// its own `Storage` typealias (`Executor.Storage`, `RunExecution.Storage`, `SensorContext.Storage`).
public typealias InstanceStorage = RunStorage & EventLogStorage & PartitionStatusStorage & DynamicPartitionsStorage
    & BackfillStorage & ScheduleStorage & HeartbeatStorage & AutomationStorage
    & ConcurrencyPoolStorage & RetentionStorage & LeaseStorage

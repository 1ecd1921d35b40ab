/// What a code location needs of storage to run assets and keep their history.
public typealias InstanceStorage = RunStorage & EventLogStorage & PartitionStatusStorage & DynamicPartitionsStorage
    & BackfillStorage & ScheduleStorage & HeartbeatStorage & AutomationStorage
    & ConcurrencyPoolStorage

import Cairn

/// The operations a test drives an instance with, values passing through `io`.
func operations(
    _ definitions: Definitions, _ storage: any InstanceStorage, io: any IOManager = MemoryIOManager()
) -> InstanceOperations {
    InstanceOperations(definitions: definitions, storage: storage, defaultIOManager: io, launchedBy: "test")
}

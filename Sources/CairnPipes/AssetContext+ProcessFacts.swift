import Cairn

extension AssetContext {
    /// Adds the command, exit status and duration of an external process to the materialization
    /// of each asset of the step, under labels the process did not report itself.
    func recordProcessFacts(command: String, exit: ProcessExit) {
        let seconds = exit.duration.inSeconds
        let facts: Metadata = [
            "command": .text(command),
            "exit_status": exit.status.map { .int(Int($0)) } ?? .text(exit.description),
            "duration_s": .float((seconds * 1000).rounded() / 1000),
        ]
        for key in assetKeys {
            let reported = addedMetadata(for: key)
            addMetadata(Metadata(facts.filter { reported[$0.label] == nil }.map { ($0.label, $0.value) }), for: key)
        }
    }
}

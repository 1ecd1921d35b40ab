import ArgumentParser
import Cairn

/// The retention policy's options, of `prune` and of `daemon`/`dev`.
struct RetentionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Runs, ticks and evaluations older than N days may go.", valueName: "N"))
    var olderThanDays: Double?

    @Option(name: .long, help: ArgumentHelp("The K newest runs of each job always stay.", valueName: "K"))
    var keepRunsPerJob: Int?

    /// The policy, `nil` when neither option is given.
    func policy() throws -> RetentionPolicy? {
        guard olderThanDays != nil || keepRunsPerJob != nil else { return nil }
        do {
            return try RetentionPolicy(maxAgeDays: olderThanDays, keepRunsPerJob: keepRunsPerJob)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws { _ = try policy() }
}

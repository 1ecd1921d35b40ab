import ArgumentParser
import Cairn
import CairnSQLite
import Foundation

/// `prune`: applies a retention policy to the home's history now.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete old runs with their events, and old ticks and automation evaluations.",
        discussion: """
            Each asset's latest materialization (and each partition's), latest observation and each \
            check's latest evaluation stay, with their runs, and so do runs that have not ended and \
            the runs of backfills in progress. Runs are deleted in small batches, so that runs going \
            on meanwhile never wait long; the file gives the space back as it goes. A home created \
            before Cairn had retention needs one --vacuum for that (writers wait while it runs). \
            `daemon --older-than-days N` prunes daily.
            """)

    @OptionGroup var retention: RetentionOptions

    @Flag(name: .long, help: "Show what would go, deleting nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Rewrite the database file afterwards, giving back all free space (writers wait).")
    var vacuum = false

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard try retention.policy() != nil else {
            throw ValidationError(RetentionPolicyError.noBound.description)
        }
    }

    func run() async throws {
        guard let policy = try retention.policy() else { return }
        let storage = try await options.openStorage()
        let pruner = HistoryPruner(storage: storage, policy: policy)
        if dryRun {
            print("Would delete \(try await pruner.plan()).")
            return
        }
        let started = ContinuousClock.now
        let report = try await pruner.prune()
        print("Deleted \(report) in \(Formatting.duration(ContinuousClock.now - started)).")
        guard let sqlite = storage as? SQLiteStorage else {
            // PostgreSQL's autovacuum makes the space reusable; VACUUM FULL gives it back.
            if vacuum { print("--vacuum is for SQLite; on PostgreSQL, run VACUUM FULL in a quiet hour.") }
            return
        }
        if vacuum {
            try await sqlite.vacuum()
            print("Rewrote \(sqlite.path) without its free space.")
        } else if try await !sqlite.reclaimsSpaceIncrementally() {
            print("This home's file keeps the freed space for new data; 'prune --vacuum' gives it back once.")
        }
    }
}

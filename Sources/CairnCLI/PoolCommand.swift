import ArgumentParser
import Cairn
import Foundation

/// `pool`: set, list and delete the limits of concurrency pools, which cap how many steps of all
/// runs use a shared resource at once.
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Limit how many steps of all runs use a pool at once.",
        discussion: """
            Steps join a pool with pool: "api" in their definition. A step of a full pool waits \
            for a slot while the other steps of its run go on. A pool without a limit has the \
            default limit ('pool default'), and is unlimited when there is none. The limits \
            live in the home's storage, shared by every process that runs steps.
            """,
        subcommands: [
            SetPoolCommand.self, ListPoolsCommand.self, DeletePoolCommand.self, DefaultPoolLimitCommand.self,
        ])

    /// The pools the code location's assets and ops use, by name.
    static var poolsInUse: Set<String> {
        let definitions = CodeLocation.definitions
        return Set((definitions.assets + definitions.jobs.flatMap(\.ops)).compactMap(\.pool))
    }

    /// Parses a limit given on the command line, or exits saying what a limit must be.
    static func limit(_ text: String, of what: String) throws -> Int {
        guard let limit = Int(text) else {
            throw fail("the limit of \(what) must be a whole number of slots, not '\(text)'")
        }
        return limit
    }
}

/// `pool set NAME LIMIT`: sets a pool's limit.
struct SetPoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set how many steps of a pool may run at once (0 holds them all back).")

    @Argument(help: "The pool's name, as steps give it (pool: \"api\").")
    var name: String

    // Unrecognized arguments are collected, so that a negative limit reaches the clear error of
    // `setPoolLimit` rather than being taken for an option.
    @Argument(parsing: .allUnrecognized, help: "The most steps of the pool that run at once.")
    var limit: [String] = []

    @OptionGroup var options: HomeOptions

    func validate() throws {
        if let option = limit.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("unknown option '\(option)'")
        }
        guard limit.count == 1 else {
            throw ValidationError("give one limit after the pool's name, as in 'pool set api 3'")
        }
    }

    func run() async throws {
        let limit = try PoolCommand.limit(limit[0], of: "pool '\(name)'")
        let operations = try await options.operations()
        try await catchingCairnErrors { try await operations.setPoolLimit(limit, for: name) }
        print("Set the limit of pool '\(name)' to \(limit).")
        let used = PoolCommand.poolsInUse
        if !used.contains(name) {
            print(
                "Note: no asset or op of this code location uses pool '\(name)'"
                    + (NearestName.suggestion(for: name, among: used).map { "; did you mean '\($0)'?" } ?? "."))
        }
    }
}

/// `pool list`: every pool with its limit and the steps holding its slots.
struct ListPoolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the pools with their limits and the steps holding their slots.")

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let storage = try await options.openStorage()
        let defaultLimit = try await storage.defaultPoolLimit()
        var pools = Dictionary(uniqueKeysWithValues: try await storage.concurrencyPools().map { ($0.name, $0) })
        for name in PoolCommand.poolsInUse where pools[name] == nil {
            pools[name] = ConcurrencyPool(name: name, limit: nil)
        }
        guard !pools.isEmpty else {
            print("No pools: no step uses one and no limit is set. Set one with 'pool set NAME LIMIT'.")
            return
        }
        var table = TextTable(header: ["POOL", "LIMIT", "IN USE", "HOLDERS (RUN/STEP)"])
        for pool in pools.values.sorted(by: { $0.name < $1.name }) {
            let limit = pool.limit.map(String.init) ?? defaultLimit.map { "\($0) (default)" } ?? "unlimited"
            let holders = pool.claims.map { "\($0.runID.short)/\($0.stepKey)" }.joined(separator: ", ")
            table.add([pool.name, limit, "\(pool.claims.count)", holders.isEmpty ? "-" : holders])
        }
        print(table.rendered)
    }
}

/// `pool delete NAME`: removes a pool's limit.
struct DeletePoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Remove a pool's limit; the default limit then applies.")

    @Argument(help: "The pool's name.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let storage = try await options.openStorage()
        let operations = options.operations(on: storage)
        try await catchingCairnErrors { try await operations.deletePoolLimit(name) }
        let fallback = try await storage.defaultPoolLimit().map { "the default limit \($0)" } ?? "no limit"
        print("Deleted the limit of pool '\(name)'; it now has \(fallback).")
    }
}

/// `pool default [LIMIT]`: shows, sets or removes the limit of pools that have none.
struct DefaultPoolLimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default", abstract: "Show, set or remove the limit of pools that have none of their own.")

    @Argument(help: "The limit to set; without it, the current default is shown.")
    var limit: String?

    @Flag(help: "Remove the default: pools without a limit are unlimited.")
    var unset = false

    @OptionGroup var options: HomeOptions

    func validate() throws {
        if unset && limit != nil {
            throw ValidationError("give either a limit or --unset, not both")
        }
    }

    func run() async throws {
        let storage = try await options.openStorage()
        let operations = options.operations(on: storage)
        if unset {
            try await operations.setDefaultPoolLimit(nil)
            print("Removed the default pool limit: pools without a limit are unlimited.")
        } else if let limit {
            let limit = try PoolCommand.limit(limit, of: "pools without a limit")
            try await catchingCairnErrors { try await operations.setDefaultPoolLimit(limit) }
            print("Set the default pool limit to \(limit).")
        } else if let current = try await storage.defaultPoolLimit() {
            print("Pools without a limit of their own have the default limit \(current).")
        } else {
            print("No default limit: pools without a limit of their own are unlimited.")
        }
    }
}

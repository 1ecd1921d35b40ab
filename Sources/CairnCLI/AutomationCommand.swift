import ArgumentParser
import Cairn
import Foundation

/// `automation`: evaluate the assets' automation conditions once, list them, explain a result.
struct AutomationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "automation",
        abstract: "Evaluate, list and explain the assets' automation conditions.",
        discussion: """
            The daemon ('daemon' or 'dev') evaluates the conditions (such as .eager() or \
            .onCron("0 7 * * *")) every interval, from the events stored since its previous tick, \
            and queues a run for what they request. Each evaluation is stored with the reason every \
            part of the condition held or not.
            """,
        subcommands: [EvaluateAutomationCommand.self, ListAutomationCommand.self, ExplainAutomationCommand.self])

    /// The asset called `text`, which must have a condition, or an exit with a did-you-mean hint
    /// (the selection syntax's, which suggests the nearest key).
    static func conditionedAsset(_ text: String, in graph: AssetGraph) throws -> AssetNode {
        let selected = try selectedNodes("key:\(text)", in: graph)
        guard selected.count == 1, let index = selected.first else {
            throw fail("'\(text)' names \(selected.count) assets; give one asset key")
        }
        let node = graph.nodes[index]
        guard node.spec.automationCondition != nil else {
            let conditioned = graph.nodes.filter { $0.spec.automationCondition != nil }.map(\.key.description)
            throw fail(
                "asset '\(text)' has no automation condition; the assets with one: "
                    + (conditioned.isEmpty ? "none" : conditioned.joined(separator: ", ")))
        }
        return node
    }
}

/// `automation evaluate`: one tick in the foreground.
struct EvaluateAutomationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate the automation conditions once and queue the runs they request.",
        discussion: "The daemon launches the queued runs; with --dry-run nothing is stored.")

    @Flag(name: .long, help: "Show what would be requested without storing the evaluation or queuing runs.")
    var dryRun = false

    @OptionGroup var options: HomeOptions

    func run() async throws {
        _ = try validatedGraph()
        let evaluator = try AutomationEvaluator(definitions: CodeLocation.definitions)
        guard !evaluator.conditionedNodes.isEmpty else {
            print("No asset has an automation condition.")
            return
        }
        let storage = try await options.openStorage()
        let result = try await evaluator.evaluate(
            cursor: try await storage.automationCursor(), storage: storage, now: Date())
        if !dryRun {
            guard try await storage.storeAutomationTick(result.tick) else {
                throw fail("another process stored an automation tick at the same time; run the command again")
            }
        }
        let evaluated = "Evaluated \(result.evaluatedAssetCount) of \(evaluator.conditionedNodes.count) asset(s)"
        guard !result.requests.isEmpty else {
            print("\(evaluated); nothing requested.")
            return
        }
        print("\(evaluated); requested \(result.requests.map(\.description).joined(separator: ", ")).")
        for run in result.tick.runs {
            let partition = run.partitionRange.map { " partition \($0.start)" } ?? ""
            let assets = run.assetKeys.map(\.description).joined(separator: ", ")
            print(
                dryRun ? "Would queue a run for\(partition) \(assets)." : "Queued run \(run.id)\(partition): \(assets)."
            )
        }
    }
}

/// `automation list`: the assets with a condition and their latest result.
struct ListAutomationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the assets with an automation condition, when each was last evaluated, and its latest result.")

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        let nodes = graph.nodes.filter { $0.spec.automationCondition != nil }
        guard !nodes.isEmpty else {
            print("No asset has an automation condition.")
            return
        }
        let storage = try await options.openStorage()
        let latest = try await storage.latestAutomationEvaluations(of: nodes.map(\.key))
        // Evaluations are stored when their outcome changes; the cursor knows when each asset was last evaluated.
        let states = try await storage.automationCursor().assets
        var table = TextTable(header: ["ASSET", "CONDITION", "LAST EVALUATED", "RESULT", "RUNS"])
        for node in nodes {
            let evaluation = latest[node.key]
            let result = evaluation.map { evaluation in
                guard evaluation.requested else { return "not requested" }
                return evaluation.requestedPartitions.isEmpty
                    ? "requested" : "requested \(evaluation.requestedPartitions.count) partition(s)"
            }
            table.add([
                node.key.description, node.spec.automationCondition!.label,
                states[node.key]?.evaluatedAt.map(Formatting.timestamp) ?? "never", result ?? "-",
                evaluation.map { $0.runIDs.map(\.short).joined(separator: ", ") }.flatMap { $0.isEmpty ? nil : $0 }
                    ?? "-",
            ])
        }
        print(table.rendered)
    }
}

/// `automation explain ASSET`: why an asset was or was not requested.
struct ExplainAutomationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why an asset was or was not requested: its latest evaluations as trees.",
        discussion: "An evaluation is stored when the outcome of some part of the condition changes, or it requests.")

    @Argument(help: "The asset's key, such as 'hottest_dates' or 'warehouse/orders'.")
    var asset: String

    @Option(name: .long, help: "Show whether each part of the condition held for this partition.")
    var partition: String?

    @Option(name: .long, help: "How many evaluations to show, newest first.")
    var history = 1

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(history, of: "--history")
    }

    func run() async throws {
        let node = try AutomationCommand.conditionedAsset(asset, in: try validatedGraph())
        let storage = try await options.openStorage()
        let evaluations = try await storage.automationEvaluations(of: node.key, before: nil, limit: history)
        guard !evaluations.isEmpty else {
            print(
                "Asset '\(node.key)' was never evaluated; run `automation evaluate` or the daemon, then ask again.")
            return
        }
        let partitionKey = partition.map(PartitionKey.init)
        for (position, evaluation) in evaluations.enumerated() {
            if position > 0 { print("") }
            print(Self.heading(of: evaluation, partition: partitionKey))
            for line in Self.lines(of: evaluation.condition, partition: partitionKey, depth: 1) { print(line) }
        }
    }

    /// When the evaluation happened and what it requested.
    static func heading(of evaluation: AutomationEvaluation, partition: PartitionKey?) -> String {
        var outcome: String
        if let partition {
            outcome =
                evaluation.requestedPartitions.contains(partition)
                ? "requested \(partition)" : "\(partition) not requested"
        } else if evaluation.requested {
            outcome =
                evaluation.requestedPartitions.isEmpty
                ? "requested" : "requested \(evaluation.requestedPartitions.map(\.rawValue).joined(separator: ", "))"
        } else {
            outcome = "not requested"
        }
        if !evaluation.runIDs.isEmpty {
            outcome += " in run \(evaluation.runIDs.map(\.rawValue).joined(separator: ", "))"
        }
        return "\(evaluation.assetKey) at \(Formatting.timestamp(evaluation.timestamp)) "
            + "(evaluation \(evaluation.evaluationID)): \(outcome)"
    }

    /// A node and its children, indented, with ✓ or ✗ and the reasons.
    static func lines(of node: AutomationEvaluationNode, partition: PartitionKey?, depth: Int) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        var counts = ""
        if node.candidateCount > 1 { counts = " (\(node.trueCount)/\(node.candidateCount))" }
        if node.candidateCount == 0 { counts = " (not evaluated)" }
        var lines = ["\(indent)\(node.isTrue(for: partition) ? "✓" : "✗") \(node.label)\(counts)"]
        for reason in node.reasons { lines.append("\(indent)    \(reason)") }
        for child in node.children { lines += self.lines(of: child, partition: partition, depth: depth + 1) }
        return lines
    }
}

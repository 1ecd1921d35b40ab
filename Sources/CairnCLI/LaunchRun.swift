import ArgumentParser
import Cairn
import CairnSQLite
import CairnYAML

/// Runs a launch against the home's storage, printing progress and a summary; exits non-zero
/// when the run fails, and prints errors found before the run (a bad plan, a bad re-execution).
func launchRun(
    options: HomeOptions,
    _ launch: (InstanceOperations, @escaping @Sendable (EventRecord) -> Void) async throws -> RunResult
) async throws {
    let storage = try await options.openStorage()
    let progress = ProgressPrinter()
    let interrupts = InterruptHandler(storage: storage)
    defer { interrupts.uninstall() }
    let currentRun = interrupts.currentRun
    let result: RunResult
    do {
        result = try await catchingCairnErrors {
            try await launch(options.operations(on: storage)) {
                currentRun.observe($0)
                progress.show($0)
            }
        }
    } catch {
        await interrupts.yieldToSignalHandler()
        throw error
    }
    await interrupts.yieldToSignalHandler()
    print(progress.summary(of: result))
    if !result.succeeded { throw ExitCode.failure }
}

/// Reads a run config file (YAML or JSON), or exits saying where it is wrong; `nil` without a path.
func loadRunConfig(_ path: String?) throws -> RunConfig? {
    guard let path else { return nil }
    do {
        return try RunConfig(RunConfigFile.load(path: path))
    } catch {
        throw fail("\(error)")
    }
}

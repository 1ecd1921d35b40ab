import Foundation

/// Starts `<example> daemon` (or `command`, such as `dev`) with the Cairn home `home` and
/// `environment`, its output going to a file in the home.
func startDaemon(
    _ example: String, home: URL, _ arguments: [String], environment: [String: String] = [:],
    command: String = "daemon"
) throws -> (Process, URL) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent(example)
    process.arguments = [command] + arguments
    var variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    variables["CAIRN_HOME"] = home.path
    process.environment = variables
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    let log = home.appendingPathComponent("daemon.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return (process, log)
}

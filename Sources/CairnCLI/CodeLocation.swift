import Cairn
import CairnWeb
import Foundation

/// The code location: the executable whose `main` hands its definitions to Cairn's commands.
///
/// ```swift
/// @main enum WeatherPipelines {
///     static func main() async {
///         await CodeLocation.main(Definitions(assets: [samples, dailyHighs, hottest]))
///     }
/// }
/// ```
public enum CodeLocation {
    /// The definitions of the running executable, available to every command.
    @TaskLocal static var definitions = Definitions()

    /// Parses the command line (`materialize`, `list`, `runs`, `run`, `validate`, ...) and runs the
    /// command against `definitions`; exits the process with the command's status. Output is
    /// line-buffered, so that the lines of long-running commands reach a log file as they happen.
    /// The process's metrics are recorded for `/metrics` (`dev`, `webserver`, `daemon --metrics-port`).
    public static func main(_ definitions: Definitions, arguments: [String]? = nil) async {
        makeStandardOutputLineBuffered()
        PrometheusMetrics.bootstrap()
        await $definitions.withValue(definitions) {
            await CairnCommand.main(arguments)
        }
    }
}

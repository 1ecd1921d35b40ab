import Cairn
import Foundation

/// The entry point of a code location's executable.
///
/// ```swift
/// @main enum WeatherPipelines {
///     static func main() async {
///         await Cairn.main(Definitions(assets: [samples, dailyHighs, hottest]))
///     }
/// }
/// ```
public enum Cairn {
    /// Parses the command line (`materialize`, `list`, `runs`, `run`, `validate`, ...) and runs the
    /// command against `definitions`; exits the process with the command's status. Output is
    /// line-buffered, so that the lines of long-running commands reach a log file as they happen.
    public static func main(_ definitions: Definitions, arguments: [String]? = nil) async {
        makeStandardOutputLineBuffered()
        await CodeLocation.$definitions.withValue(definitions) {
            await CairnCommand.main(arguments)
        }
    }
}

/// The definitions of the running executable, available to every command.
enum CodeLocation {
    @TaskLocal static var definitions = Definitions()
}

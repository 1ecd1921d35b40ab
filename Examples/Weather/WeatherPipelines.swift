import CairnCLI

/// The executable: `swift run weather materialize --select '*'`, `swift run weather list`, ...
@main enum WeatherPipelines {
    static func main() async {
        await CodeLocation.main(weatherDefinitions)
    }
}

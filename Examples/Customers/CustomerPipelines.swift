import CairnCLI

/// The executable: `swift run customers materialize --select '*'`, `swift run customers runs`, ...
@main enum CustomerPipelines {
    /// Hands the customers definitions to the CLI.
    static func main() async {
        await CodeLocation.main(customersDefinitions)
    }
}

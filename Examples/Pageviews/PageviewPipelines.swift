import CairnCLI

/// The executable: `swift run pageviews backfill launch --select '*' --partitions all`, `swift run pageviews partitions`, ...
@main enum PageviewPipelines {
    static func main() async {
        await CodeLocation.main(pageviewDefinitions)
    }
}

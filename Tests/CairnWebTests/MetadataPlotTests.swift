import Foundation
import Testing

@testable import CairnWeb

/// The plots of numeric metadata: by time, or by partition when every point has one.
@Suite struct MetadataPlotTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func pointsArePlacedByTimeWithTheFirstAndLastTimesBelow() {
        let svg = MetadataPlot.svg(
            [
                .init(time: Self.start, partition: nil, value: 1),
                .init(time: Self.start.addingTimeInterval(90), partition: nil, value: 3),
                .init(time: Self.start.addingTimeInterval(100), partition: nil, value: 2),
            ], label: "rows")
        // Left edge 56, right edge 408: the second point is at 90% of the time span.
        #expect(svg.contains("<polyline points=\"56.0,"))
        #expect(svg.contains(" 372.8,"))
        #expect(svg.contains(WebFormat.timestamp(Self.start)))
        #expect(svg.components(separatedBy: "<circle").count == 4)
    }

    @Test func partitionedPointsArePlacedByPartitionOneStepEach() {
        let svg = MetadataPlot.svg(
            [
                .init(time: Self.start, partition: "2024-01-03", value: 30),
                .init(time: Self.start, partition: "2024-01-01", value: 10),
                .init(time: Self.start, partition: "2024-01-02", value: 20),
            ], label: "views")
        #expect(svg.contains(">2024-01-01</text>") && svg.contains(">2024-01-03</text>"))
        let titles = svg.components(separatedBy: "<title>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(titles == ["10 at 2024-01-01", "20 at 2024-01-02", "30 at 2024-01-03"])
        #expect(svg.contains("<polyline points=\"56.0,") && svg.contains(" 232.0,") && svg.contains(" 408.0,"))
    }
}

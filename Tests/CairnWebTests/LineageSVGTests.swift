import Cairn
import Foundation
import Testing

@testable import CairnWeb

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The lineage graph drawn as SVG by the web UI.
@Suite struct LineageSVGTests {
    @Test func theSVGIsWellFormedAndEscaped() throws {
        let assets = (0..<40).map { index in
            Asset<Int>(
                "asset_\(index)", group: "group_\(index % 4)", deps: index == 0 ? [] : [AssetKey("asset_\(index / 2)")]
            ) {
                _ in index
            }
        }
        let graph = try Definitions(assets: [assets]).assetGraph
        let layout = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        let svg = LineageSVG.render(
            layout, statuses: ["asset_0": .stale, "asset_1": .failed],
            subtitles: ["asset_2": "<script>&\"x\"</script>"], href: { "/lineage?select=+key:\($0)+&focus=\($0)" })
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt;"))
        #expect(svg.contains("href=\"/lineage?select=+key:asset_0+&amp;focus=asset_0\""))
        #expect(svg.contains("class=\"node status-stale\"") && svg.contains("class=\"node status-failed\""))
        #expect(svg.components(separatedBy: "<path class=\"edge\"").count - 1 == layout.edges.count)
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }
}

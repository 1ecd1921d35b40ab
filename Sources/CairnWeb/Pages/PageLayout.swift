/// The frame of every page: the head, the top bar with the sections, and the main content.
enum PageLayout {
    /// The sections of the top bar.
    enum Section: String, CaseIterable, Sendable {
        case overview, assets, lineage, runs, launchpad, schedules, sensors, backfills, automation

        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

        var path: String { self == .overview ? "/" : "/\(rawValue)" }
    }

    /// A whole page.
    ///
    /// - Parameters:
    ///   - title: the page's title, already plain text (escaped here).
    ///   - section: the section highlighted in the top bar.
    ///   - body: the main content, already HTML.
    ///   - wide: whether the content spans the whole window (the lineage graph).
    ///   - refreshSeconds: reload the page this often while something on it is in progress (with
    ///     JavaScript, and not while the user types in a form).
    static func render(
        _ title: String, section: Section?, site: WebSite, body: String, notice: String? = nil, wide: Bool = false,
        refreshSeconds: Int? = nil
    ) -> String {
        let links = Section.allCases.map { item in
            "<a href=\"\(item.path)\"\(item == section ? " class=\"active\"" : "")>\(item.title)</a>"
        }.joined()
        let flash = notice.map { "<div class=\"flash notice\">\(HTML.escape($0))</div>" } ?? ""
        let mode = site.configuration.readOnly ? " · <b>read-only</b>" : ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(site.csrfToken)">\(refreshSeconds.map { "\n<meta name=\"cairn-refresh\" content=\"\($0)\">" } ?? "")
            <title>\(HTML.escape(title)) · Cairn</title>
            <link rel="icon" href="/static/cairn.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/static/cairn.css">
            <script src="/static/cairn.js" defer></script>
            </head><body>
            <header class="topbar"><a class="brand" href="/">\(Logo.svg(size: 22))Cairn</a><nav>\(links)</nav>
            <span class="location"><a class="api" href="/graphql">GraphQL</a> · code location <b>\(HTML.escape(site.configuration.locationName))</b>\(mode)</span></header>
            <main\(wide ? " class=\"wide\"" : "")>\(flash)\(body)</main>
            </body></html>
            """
    }
}

/// Cairn's mark: three stacked stones.
enum Logo {
    /// The mark as inline SVG of `size` pixels.
    static func svg(size: Int) -> String {
        """
        <svg width="\(size)" height="\(size)" viewBox="0 0 24 24" aria-hidden="true">\
        <ellipse cx="12" cy="19" rx="9" ry="3.6" fill="#a5b4fc"/><ellipse cx="12" cy="12.6" rx="6.4" ry="3" fill="#818cf8"/>\
        <ellipse cx="12" cy="7" rx="3.9" ry="2.5" fill="#6366f1"/></svg>
        """
    }

    /// The mark as a standalone SVG document, the favicon.
    static var document: String {
        svg(size: 64).replacingOccurrences(of: "<svg ", with: "<svg xmlns=\"http://www.w3.org/2000/svg\" ")
    }
}

import Foundation

/// A small Markdown renderer for descriptions and markdown metadata: headings, paragraphs,
/// bullet and numbered lists, fenced code, tables, `code`, **bold**, *emphasis* and links. The
/// text is escaped first, so nothing in it becomes markup of its own; links only to http(s).
enum Markdown {
    /// `text` as HTML.
    static func html(_ text: String) -> String {
        var html = ""
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var table: [[String]] = []
        var code: [String]?

        func flush() {
            if !paragraph.isEmpty {
                html += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>"
                paragraph = []
            }
            if let current = list {
                let tag = current.ordered ? "ol" : "ul"
                html += "<\(tag)>" + current.items.map { "<li>\(inline($0))</li>" }.joined() + "</\(tag)>"
                list = nil
            }
            if !table.isEmpty {
                let rows = table.filter { !$0.allSatisfy { $0.allSatisfy { "-: ".contains($0) } } }
                if let header = rows.first {
                    html +=
                        "<table><thead><tr>" + header.map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead><tbody>"
                    html += rows.dropFirst().map { "<tr>" + $0.map { "<td>\(inline($0))</td>" }.joined() + "</tr>" }
                        .joined()
                    html += "</tbody></table>"
                }
                table = []
            }
        }

        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if code != nil {
                if trimmed.hasPrefix("```") {
                    html += "<pre class=\"mono\">" + HTML.escape(code!.joined(separator: "\n")) + "</pre>"
                    code = nil
                } else {
                    code!.append(line)
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flush()
                code = []
            } else if trimmed.isEmpty {
                flush()
            } else if let level = heading(trimmed) {
                flush()
                let size = min(level + 2, 6)
                html +=
                    "<h\(size)>" + inline(String(trimmed.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces))
                    + "</h\(size)>"
            } else if trimmed.hasPrefix("|") {
                if table.isEmpty { flush() }
                table.append(
                    trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "|")).split(
                        separator: "|", omittingEmptySubsequences: false
                    )
                    .map { $0.trimmingCharacters(in: .whitespaces) })
            } else if let item = bullet(trimmed) {
                if list?.ordered != false {
                    flush()
                    list = (false, [])
                }
                list!.items.append(item)
            } else if let item = numbered(trimmed) {
                if list?.ordered != true {
                    flush()
                    list = (true, [])
                }
                list!.items.append(item)
            } else {
                if list != nil || !table.isEmpty { flush() }
                paragraph.append(trimmed)
            }
        }
        if let code { html += "<pre class=\"mono\">" + HTML.escape(code.joined(separator: "\n")) + "</pre>" }
        flush()
        return html
    }

    private static func heading(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private static func bullet(_ line: String) -> String? {
        guard line.hasPrefix("- ") || line.hasPrefix("* ") else { return nil }
        return String(line.dropFirst(2))
    }

    private static func numbered(_ line: String) -> String? {
        let digits = line.prefix { $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return String(line.dropFirst(digits.count + 2))
    }

    /// Inline markup of one escaped line: code spans first, then links, bold and emphasis.
    static func inline(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let tick = rest.firstIndex(of: "`") {
            result += emphasis(links(HTML.escape(String(rest[..<tick]))))
            let after = rest[rest.index(after: tick)...]
            guard let close = after.firstIndex(of: "`") else {
                rest = rest[tick...]
                result += emphasis(links(HTML.escape(String(rest))))
                return result
            }
            result += "<code>" + HTML.escape(String(after[..<close])) + "</code>"
            rest = after[after.index(after: close)...]
        }
        return result + emphasis(links(HTML.escape(String(rest))))
    }

    /// `[label](https://…)` as links; other schemes stay text.
    private static func links(_ escaped: String) -> String {
        var result = ""
        var rest = Substring(escaped)
        while let open = rest.firstIndex(of: "["),
            let close = rest[open...].firstIndex(of: "]"),
            rest[close...].dropFirst().first == "(",
            let end = rest[close...].firstIndex(of: ")")
        {
            let label = rest[rest.index(after: open)..<close]
            let target = String(rest[rest.index(close, offsetBy: 2)..<end])
            result += rest[..<open]
            if target.hasPrefix("https://") || target.hasPrefix("http://") {
                result += "<a href=\"\(target)\" rel=\"noopener noreferrer\">\(label)</a>"
            } else {
                result += rest[open...end]
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    private static func emphasis(_ text: String) -> String {
        wrap(wrap(text, marker: "**", tag: "strong"), marker: "*", tag: "em")
    }

    private static func wrap(_ text: String, marker: String, tag: String) -> String {
        let parts = text.components(separatedBy: marker)
        guard parts.count >= 3 else { return text }
        var result = parts[0]
        for index in 1..<parts.count {
            if index % 2 == 0 {
                result += parts[index]
            } else if index < parts.count - 1 {
                result += "<\(tag)>\(parts[index])</\(tag)>"
            } else {
                result += marker + parts[index]
            }
        }
        return result
    }
}

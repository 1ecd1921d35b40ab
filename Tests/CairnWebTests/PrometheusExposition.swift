import Foundation

/// The samples of a text in Prometheus's exposition format (version 0.0.4), parsed strictly: a
/// line that is not a comment, a `# HELP`/`# TYPE` line or a sample, a bad name, a label not
/// quoted and escaped, a value that is not a number, or a sample of a family whose TYPE was not
/// given first, is an error naming the line.
struct PrometheusExposition {
    struct Sample: Hashable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: String
        let problem: String
        var description: String { "\(problem): \(line)" }
    }

    let samples: [Sample]
    let types: [String: String]

    init(_ text: String) throws {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ").map(String.init)
                guard parts.count == 2, Self.isName(parts[0]),
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1])
                else { throw ParseError(line: line, problem: "a malformed TYPE line") }
                guard types[parts[0]] == nil else { throw ParseError(line: line, problem: "a second TYPE line") }
                types[parts[0]] = parts[1]
                continue
            }
            if line.hasPrefix("#") { continue }
            let sample = try Self.sample(line)
            let family = types[sample.name] != nil ? sample.name : Self.histogramFamily(of: sample.name)
            guard let family, types[family] != nil else {
                throw ParseError(line: line, problem: "a sample before its family's TYPE line")
            }
            samples.append(sample)
        }
        self.samples = samples
        self.types = types
    }

    /// The value of the one sample with this name and these labels (others may be present).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
        }
        return matching.count == 1 ? matching[0].value : nil
    }

    private static func histogramFamily(of name: String) -> String? {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return nil
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    private static func isName(_ name: String) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == ":" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isName(name) else { throw ParseError(line: line, problem: "a bad metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = String(rest.prefix { $0 != "=" })
                guard isName(key), rest.dropFirst(key.count).hasPrefix("=\"") else {
                    throw ParseError(line: line, problem: "a bad label")
                }
                rest = rest.dropFirst(key.count + 2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first, ["\\", "\"", "n"].contains(escaped) else {
                            throw ParseError(line: line, problem: "a bad escape in a label value")
                        }
                        value.append(escaped == "n" ? "\n" : escaped)
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw ParseError(line: line, problem: "an unterminated label value") }
                rest = rest.dropFirst()
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw ParseError(line: line, problem: "no space before the value") }
        let text = rest.dropFirst().split(separator: " ").first.map(String.init) ?? ""
        let value: Double? = text == "+Inf" ? .infinity : text == "-Inf" ? -.infinity : Double(text)
        guard let value, !value.isNaN || text == "NaN" else { throw ParseError(line: line, problem: "a bad value") }
        return Sample(name: name, labels: labels, value: value)
    }
}

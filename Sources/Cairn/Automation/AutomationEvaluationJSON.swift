import Foundation

/// Writes automation evaluations as the JSON their `Decodable` conformance reads, directly as
/// text: a tick that requests a long chain stores hundreds of condition trees, which
/// `JSONEncoder` encodes about ten times slower. What every storage stores of an evaluation.
public enum AutomationEvaluationJSON {
    /// The evaluation as JSON text.
    public static func text(of evaluation: AutomationEvaluation) -> String {
        var text = "{\"assetKey\":"
        text.reserveCapacity(8_192)
        appendString(evaluation.assetKey.description, to: &text)
        text += ",\"evaluationID\":\(evaluation.evaluationID)"
        text += ",\"timestamp\":\(evaluation.timestamp.timeIntervalSinceReferenceDate)"
        text += ",\"requested\":\(evaluation.requested)"
        text += ",\"requestedPartitions\":"
        appendStrings(evaluation.requestedPartitions.lazy.map(\.rawValue), to: &text)
        text += ",\"runIDs\":"
        appendStrings(evaluation.runIDs.lazy.map(\.rawValue), to: &text)
        text += ",\"condition\":"
        append(evaluation.condition, to: &text)
        text += "}"
        return text
    }

    private static func append(_ node: AutomationEvaluationNode, to text: inout String) {
        text += "{\"label\":"
        appendString(node.label, to: &text)
        if let dependency = node.dependency {
            text += ",\"dependency\":"
            appendString(dependency.description, to: &text)
        }
        text += ",\"candidateCount\":\(node.candidateCount),\"trueCount\":\(node.trueCount),\"truePartitions\":"
        appendStrings(node.truePartitions.lazy.map(\.rawValue), to: &text)
        text += ",\"reasons\":"
        appendStrings(node.reasons, to: &text)
        text += ",\"children\":["
        for (index, child) in node.children.enumerated() {
            if index > 0 { text += "," }
            append(child, to: &text)
        }
        text += "]}"
    }

    private static func appendStrings(_ strings: some Sequence<String>, to text: inout String) {
        text += "["
        var first = true
        for string in strings {
            if !first { text += "," }
            first = false
            appendString(string, to: &text)
        }
        text += "]"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func appendString(_ string: String, to text: inout String) {
        text += "\""
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += string
            text += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                text +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

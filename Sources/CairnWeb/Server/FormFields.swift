import Foundation

/// The fields of a query string or of a form posted as `application/x-www-form-urlencoded`:
/// `+` is a space, `%XX` escapes are decoded, a name may repeat, and the CRLF line breaks browsers
/// send for a textarea are read as LF.
struct FormFields: Sendable {
    private let pairs: [(name: String, value: String)]

    /// Parses `a=1&b=two+words&a=3`.
    init(_ encoded: String) {
        pairs = encoded.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, trimmed; `nil` when absent or blank.
    subscript(name: String) -> String? {
        guard
            let value = pairs.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else { return nil }
        return value
    }

    /// The first value of `name` exactly as sent, blank included.
    func raw(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every non-blank value of `name`, in order.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return (spaced.removingPercentEncoding ?? spaced).replacingOccurrences(of: "\r\n", with: "\n")
    }
}

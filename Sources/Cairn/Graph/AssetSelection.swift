/// A set of assets described in Dagster's selection syntax, such as `+key:warehouse/orders+2`,
/// `group:weather and not kind:dbt`, `tag:team=finance` or `sinks(key:raw_*+)`.
///
/// ```swift
/// let selection = try AssetSelection("group:weather and not kind:dbt")
/// let keys = try selection.keys(in: definitions.assetGraph)
/// ```
///
/// `not` binds tighter than `and`, which binds tighter than `or`; keywords may be written in any
/// case. A value without an attribute is a key (`orders` means `key:orders`), and `*` in a key or
/// group matches any run of characters. `+` adds upstream assets on the left and downstream ones on
/// the right, optionally limited to a number of layers (`2+key:a+1`); it applies to an attribute,
/// a function call or a parenthesised selection.
public indirect enum AssetSelection: Sendable, Hashable, CustomStringConvertible {
    /// How far a traversal reaches from the assets it starts at.
    public enum Depth: Sendable, Hashable {
        /// Every asset reachable in that direction (`+key:a`).
        case unlimited
        /// Assets at most this many dependency layers away (`2+key:a`).
        case layers(Int)
    }

    /// Every asset (`*`).
    case all
    /// Assets whose written key (`warehouse/orders`) matches, `*` matching any characters (`key:raw_*`).
    case key(String)
    /// Assets with the tag and the value (`tag:team=finance`); with the empty value when `value`
    /// is `nil` (`tag:pii`), as in Dagster, where `tag:team` does not match `team=finance`.
    case tag(String, value: String?)
    /// Assets with this owner (`owner:ann@example.com`).
    case owner(String)
    /// Assets in a group whose name matches, `*` matching any characters (`group:weather`).
    case group(String)
    /// Assets of this kind (`kind:dbt`).
    case kind(String)
    /// The assets of a selection that have no parent in it (`roots(...)`).
    case roots(AssetSelection)
    /// The assets of a selection that have no child in it (`sinks(...)`).
    case sinks(AssetSelection)
    /// A selection with the assets upstream and downstream of it; `nil` adds none that way (`2+key:a+`).
    case traversal(AssetSelection, upstream: Depth?, downstream: Depth?)
    /// Every asset not in the selection (`not ...`).
    case not(AssetSelection)
    /// The assets in both selections (`... and ...`).
    case and(AssetSelection, AssetSelection)
    /// The assets in either selection (`... or ...`).
    case or(AssetSelection, AssetSelection)

    /// Parses a selection written in Dagster's selection syntax.
    ///
    /// - Throws: `SelectionError` with the column of the first syntax error.
    public static func parse(_ text: String) throws(SelectionError) -> AssetSelection {
        var parser = SelectionParser(text)
        return try parser.parse()
    }

    /// Parses a selection written in Dagster's selection syntax.
    public init(_ text: String) throws(SelectionError) {
        self = try Self.parse(text)
    }

    /// The canonical form: explicit attributes, lowercase keywords, only the parentheses needed.
    public var description: String { rendered(atLeast: .or) }

    /// Binding strength, loosest first; an operand binding looser than its place needs parentheses.
    private enum Precedence: Int, Comparable {
        case or, and, not, traversal

        static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private var precedence: Precedence {
        switch self {
        case .or: .or
        case .and: .and
        case .not: .not
        default: .traversal
        }
    }

    private func rendered(atLeast minimum: Precedence) -> String {
        let text: String
        switch self {
        case .all: text = "*"
        case .key(let pattern): text = "key:" + Self.quotedIfNeeded(pattern, wildcards: true)
        case .tag(let name, nil): text = "tag:" + Self.quotedIfNeeded(name, wildcards: false)
        case .tag(let name, let value?):
            text =
                "tag:" + Self.quotedIfNeeded(name, wildcards: false) + "="
                + Self.quotedIfNeeded(value, wildcards: false)
        case .owner(let owner): text = "owner:" + Self.quotedIfNeeded(owner, wildcards: false)
        case .group(let pattern): text = "group:" + Self.quotedIfNeeded(pattern, wildcards: true)
        case .kind(let kind): text = "kind:" + Self.quotedIfNeeded(kind, wildcards: false)
        case .roots(let selection): text = "roots(\(selection))"
        case .sinks(let selection): text = "sinks(\(selection))"
        case .traversal(let selection, let upstream, let downstream):
            let operand = selection.isTraversable ? selection.description : "(\(selection))"
            let up = upstream.map { Self.layers($0) + "+" } ?? ""
            let down = downstream.map { "+" + Self.layers($0) } ?? ""
            text = up + operand + down
        case .not(let selection): text = "not " + selection.rendered(atLeast: .not)
        case .and:
            let operands = operands(joinedBy: .and)
            text = ([operands[0].rendered(atLeast: .and)] + operands.dropFirst().map { $0.rendered(atLeast: .not) })
                .joined(separator: " and ")
        case .or:
            let operands = operands(joinedBy: .or)
            text = ([operands[0].rendered(atLeast: .or)] + operands.dropFirst().map { $0.rendered(atLeast: .and) })
                .joined(separator: " or ")
        }
        return precedence < minimum ? "(\(text))" : text
    }

    /// A binary operator.
    enum Junction {
        case and, or
    }

    /// The operands of a left-nested chain of one operator, in order (`a or b or c` gives `a`, `b`,
    /// `c`), walked without recursion so that a chain of thousands of terms cannot overflow the stack.
    func operands(joinedBy junction: Junction) -> [AssetSelection] {
        var operands: [AssetSelection] = []
        var rest = self
        while true {
            switch (junction, rest) {
            case (.and, .and(let left, let right)), (.or, .or(let left, let right)):
                operands.append(right)
                rest = left
            default:
                operands.append(rest)
                return operands.reversed()
            }
        }
    }

    /// Whether `+` applies to the selection as written: an attribute or a function call.
    private var isTraversable: Bool {
        switch self {
        case .key, .tag, .owner, .group, .kind, .roots, .sinks: true
        case .all, .traversal, .not, .and, .or: false
        }
    }

    /// The value as written after an attribute: bare when the parser reads it back unchanged.
    private static func quotedIfNeeded(_ value: String, wildcards: Bool) -> String {
        let bare =
            !value.isEmpty && value.allSatisfy(SelectionParser.isBareValueCharacter)
            && (wildcards || !value.contains("*")) && !SelectionParser.isOperator(value)
        if bare { return value }
        var quoted = "\""
        for character in value {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// The number of layers as written next to `+`: nothing for an unlimited traversal.
    private static func layers(_ depth: Depth) -> String {
        switch depth {
        case .unlimited: ""
        case .layers(let count): String(count)
        }
    }
}

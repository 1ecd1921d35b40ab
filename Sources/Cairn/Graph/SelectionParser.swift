/// Reads Dagster's asset selection syntax (the grammar of Dagster's `AssetSelection.g4`) into an
/// `AssetSelection`: a tokenizer, then a recursive-descent parser with one function per
/// precedence level (`or`, `and`, `not`, traversal, operand).
///
/// Beyond Dagster's grammar it accepts keywords, attribute and function names in any case, a bare
/// value as a key, `-`, `.` and `@` in unquoted values, values starting with a digit after `:`
/// or `=`, and `\"` and `\\` escapes in quoted values.
struct SelectionParser {
    /// One token with the 1-based column of its first character.
    struct Token {
        /// What the token is.
        enum Kind: Equatable {
            /// An unquoted value, keyword, attribute or function name.
            case word(String)
            /// A double-quoted value, with its escapes resolved.
            case quoted(String)
            /// Digits where a traversal depth may stand.
            case number(String)
            case plus, leftParenthesis, rightParenthesis, colon, equals
            /// Text that is not a token; the message says why.
            case invalid(String)
            case end
        }

        let kind: Kind
        let column: Int
        /// The token as written, for messages.
        let text: String

        /// The column just after the token.
        var endColumn: Int { column + text.count }
    }

    /// The attributes Cairn selects on, in the order messages list them.
    private static let attributes = ["key", "tag", "owner", "group", "kind"]

    /// Attributes of Dagster's syntax that Cairn does not select on.
    private static let unsupportedAttributes: Set = [
        "is", "status", "column", "table_name", "column_tag", "code_location", "changed_in_branch",
        "partitions", "automation_type", "sensor", "schedule", "job", "not_materialized_in_hours",
    ]

    private static let functions = ["roots", "sinks"]

    /// How deeply parentheses, function calls and `not` may nest, so that no selection overflows the stack.
    private static let maximumNesting = 100

    private var nesting = 0

    private let text: String
    private let tokens: [Token]
    private var position = 0

    /// Tokenizes `text`; `parse()` reports any invalid token when it reaches it.
    init(_ text: String) {
        self.text = text
        self.tokens = Self.tokenize(Array(text))
    }

    /// Whether a character may appear in an unquoted value.
    static func isBareValueCharacter(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || character.isNumber || "_-/.@*".contains(character)
    }

    /// Whether a word is one of the operators `and`, `or` and `not`, in any case.
    static func isOperator(_ word: String) -> Bool {
        switch word.lowercased() {
        case "and", "or", "not": true
        default: false
        }
    }

    /// Parses the whole text.
    mutating func parse() throws(SelectionError) -> AssetSelection {
        if tokens[0].kind == .end {
            throw error(
                at: 1,
                "the selection is empty; write an asset key such as 'orders', an attribute such as "
                    + "'group:weather', or '*' for every asset")
        }
        let selection = try parseOr()
        let token = try current()
        guard token.kind == .end else { throw expectedOperator(found: token, insideParenthesis: false) }
        return selection
    }

    // MARK: - Grammar

    private mutating func parseOr() throws(SelectionError) -> AssetSelection {
        var selection = try parseAnd()
        while try currentIsKeyword("or") {
            advance()
            selection = .or(selection, try parseAnd())
        }
        return selection
    }

    private mutating func parseAnd() throws(SelectionError) -> AssetSelection {
        var selection = try parseNot()
        while try currentIsKeyword("and") {
            advance()
            selection = .and(selection, try parseNot())
        }
        return selection
    }

    private mutating func parseNot() throws(SelectionError) -> AssetSelection {
        guard try currentIsKeyword("not") else { return try parseTraversal() }
        try enterNesting(at: current().column)
        advance()
        let operand = try parseNot()
        nesting -= 1
        return .not(operand)
    }

    /// `[N]+ operand [+[N]]`, where a traversed operand is an attribute, a call or parenthesised.
    private mutating func parseTraversal() throws(SelectionError) -> AssetSelection {
        var upstream: AssetSelection.Depth?
        let first = try current()
        if case .number(let digits) = first.kind {
            advance()
            let plus = try current()
            guard plus.kind == .plus else {
                throw plus.kind == .end
                    ? error(at: plus.column, "unexpected end of selection after '\(digits)'; expected '+'")
                    : error(at: plus.column, "expected '+' after '\(digits)', found '\(plus.text)'")
            }
            upstream = try depth(digits, at: first.column)
            advance()
        } else if first.kind == .plus {
            advance()
            upstream = .unlimited
        }

        let operandToken = try current()
        let (operand, traversable) = try parseOperand(afterUpstreamTraversal: upstream != nil)
        if upstream != nil, !traversable {
            throw error(at: operandToken.column, "'*' cannot be traversed; it already selects every asset")
        }

        var downstream: AssetSelection.Depth?
        let plus = try current()
        if plus.kind == .plus {
            guard traversable else {
                throw error(at: plus.column, "'*' cannot be traversed; it already selects every asset")
            }
            advance()
            let next = try current()
            if case .number(let digits) = next.kind {
                advance()
                downstream = try depth(digits, at: next.column)
            } else {
                downstream = .unlimited
            }
        }
        guard upstream != nil || downstream != nil else { return operand }
        return .traversal(operand, upstream: upstream, downstream: downstream)
    }

    /// An attribute, a function call, a parenthesised selection, a bare key or `*`; whether `+`
    /// may apply to it (to all but `*`).
    private mutating func parseOperand(
        afterUpstreamTraversal: Bool
    ) throws(SelectionError) -> (AssetSelection, traversable: Bool) {
        let token = try current()
        switch token.kind {
        case .leftParenthesis:
            advance()
            return (try parseParenthesised(openedBy: token), true)
        case .quoted(let value):
            advance()
            return (.key(value), true)
        case .word(let word) where !Self.isOperator(word):
            let next = tokens[position + 1].kind
            if next == .colon { return (try parseAttribute(), true) }
            if next == .leftParenthesis { return (try parseFunctionCall(), true) }
            advance()
            return word == "*" ? (.all, false) : (.key(word), true)
        default:
            throw expectedOperand(found: token, afterUpstreamTraversal: afterUpstreamTraversal)
        }
    }

    /// The selection after an opening parenthesis, and the closing one.
    private mutating func parseParenthesised(openedBy open: Token) throws(SelectionError) -> AssetSelection {
        try enterNesting(at: open.column)
        let selection = try parseOr()
        let token = try current()
        switch token.kind {
        case .rightParenthesis:
            advance()
            nesting -= 1
            return selection
        case .end:
            throw error(at: open.column, "expected ')' to close '('")
        default:
            throw expectedOperator(found: token, insideParenthesis: true)
        }
    }

    private mutating func parseFunctionCall() throws(SelectionError) -> AssetSelection {
        let name = try current()
        let function = name.text.lowercased()
        guard Self.functions.contains(function) else {
            let hint = NearestName.hint(for: function, among: Self.functions)
            throw error(at: name.column, "unknown function '\(name.text)'; expected roots or sinks\(hint)")
        }
        advance()
        let open = try current()
        advance()
        let selection = try parseParenthesised(openedBy: open)
        return function == "roots" ? .roots(selection) : .sinks(selection)
    }

    private mutating func parseAttribute() throws(SelectionError) -> AssetSelection {
        let nameToken = try current()
        let name = nameToken.text.lowercased()
        guard Self.attributes.contains(name) else {
            let expected = "expected one of \(Self.attributes.joined(separator: ", "))"
            if Self.unsupportedAttributes.contains(name) {
                throw error(
                    at: nameToken.column, "Cairn does not support the attribute '\(nameToken.text)'; \(expected)")
            }
            let hint = NearestName.hint(for: name, among: Self.attributes)
            throw error(at: nameToken.column, "unknown attribute '\(nameToken.text)'; \(expected)\(hint)")
        }
        advance()
        let colon = try current()
        advance()
        let written = "\(name):"
        let valueToken = try current()
        let value = try parseValue(after: written, at: colon.endColumn, wildcards: name == "key" || name == "group")
        if name == "tag" {
            let equals = try current()
            guard equals.kind == .equals else { return .tag(value, value: nil) }
            advance()
            let tagValue = try parseValue(
                after: "\(written)\(valueToken.text)=", at: equals.endColumn, wildcards: false)
            return .tag(value, value: tagValue)
        }
        switch name {
        case "key": return .key(value)
        case "owner": return .owner(value)
        case "group": return .group(value)
        default: return .kind(value)
        }
    }

    /// A quoted or unquoted value following `written`, which ends just before `column`.
    private mutating func parseValue(
        after written: String, at column: Int, wildcards: Bool
    ) throws(SelectionError) -> String {
        let token = try current()
        switch token.kind {
        case .quoted(let value):
            advance()
            return value
        case .word(let value) where !Self.isOperator(value):
            if !wildcards, value.contains("*") {
                throw error(
                    at: token.column,
                    "'*' is a wildcard only in key and group values; quote the value to match a literal '*'")
            }
            advance()
            return value
        default:
            throw error(at: column, "expected a value after '\(written)'")
        }
    }

    // MARK: - Errors

    /// The error for a token where a selection should start.
    private func expectedOperand(found token: Token, afterUpstreamTraversal: Bool) -> SelectionError {
        let previous = position > 0 ? tokens[position - 1].text : ""
        switch token.kind {
        case .end:
            return error(at: token.column, "unexpected end of selection after '\(previous)'")
        case .plus:
            return error(
                at: token.column, "unexpected '+'; a traversal is written once on each side, as in '2+key:a+1'")
        case _ where afterUpstreamTraversal:
            return error(
                at: token.column,
                "expected an attribute, a function call or '(' after '\(previous)', found '\(token.text)'; "
                    + "parenthesise a selection to traverse it, as in '+(not key:a)'")
        case .colon:
            return error(at: token.column, "expected an attribute such as 'key' or 'group' before ':'")
        default:
            return error(at: token.column, "expected a selection before '\(token.text)'")
        }
    }

    /// The error for a token after a complete selection that is not `and`, `or`, `)` or the end.
    private func expectedOperator(found token: Token, insideParenthesis: Bool) -> SelectionError {
        switch token.kind {
        case .rightParenthesis:
            return error(at: token.column, "unexpected ')' without a matching '('")
        case .colon:
            return error(
                at: token.column, "unexpected ':'; quote values that contain ':', as in owner:\"team:data\"")
        case .equals:
            return error(at: token.column, "unexpected '='; only tags take a value, as in tag:team=finance")
        case .plus:
            return error(
                at: token.column, "unexpected '+'; a traversal is written once on each side, as in '2+key:a+1'")
        default:
            let expected = insideParenthesis ? "'and', 'or' or ')'" : "'and', 'or' or the end of the selection"
            return error(at: token.column, "expected \(expected), found '\(token.text)'")
        }
    }

    private func error(at column: Int, _ message: String) -> SelectionError {
        SelectionError(text: text, column: column, message: message)
    }

    // MARK: - Tokens

    /// The current token; an invalid one is thrown as the error it describes.
    private func current() throws(SelectionError) -> Token {
        let token = tokens[position]
        if case .invalid(let message) = token.kind { throw error(at: token.column, message) }
        return token
    }

    private func currentIsKeyword(_ keyword: String) throws(SelectionError) -> Bool {
        guard case .word(let word) = try current().kind else { return false }
        return word.lowercased() == keyword
    }

    private mutating func enterNesting(at column: Int) throws(SelectionError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw error(
                at: column,
                "the selection nests parentheses and 'not' more than \(Self.maximumNesting) deep; simplify it")
        }
    }

    private mutating func advance() {
        position = min(position + 1, tokens.count - 1)
    }

    private func depth(_ digits: String, at column: Int) throws(SelectionError) -> AssetSelection.Depth {
        guard let layers = Int(digits) else {
            throw error(at: column, "the traversal depth '\(digits)' is too large")
        }
        return .layers(layers)
    }

    /// Splits the text into tokens, ending with `.end`; stops after the first invalid one.
    private static func tokenize(_ characters: [Character]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        func append(_ kind: Token.Kind, from start: Int) {
            tokens.append(Token(kind: kind, column: start + 1, text: String(characters[start..<index])))
        }
        while index < characters.count {
            let start = index
            let character = characters[index]
            index += 1
            switch character {
            case _ where character.isWhitespace: continue
            case "+": append(.plus, from: start)
            case "(": append(.leftParenthesis, from: start)
            case ")": append(.rightParenthesis, from: start)
            case ":": append(.colon, from: start)
            case "=": append(.equals, from: start)
            case "\"":
                var value = ""
                var invalid: (message: String, column: Int)?
                while invalid == nil {
                    guard index < characters.count else {
                        invalid = ("unterminated quoted value; add the closing '\"'", start + 1)
                        break
                    }
                    let next = characters[index]
                    index += 1
                    if next == "\"" { break }
                    if next == "\\" {
                        if index < characters.count, characters[index] == "\"" || characters[index] == "\\" {
                            value.append(characters[index])
                            index += 1
                        } else {
                            invalid = ("unknown escape in a quoted value; only \\\" and \\\\ are allowed", index)
                        }
                    } else {
                        value.append(next)
                    }
                }
                if let invalid {
                    tokens.append(Token(kind: .invalid(invalid.message), column: invalid.column, text: ""))
                    return tokens + [Token(kind: .end, column: characters.count + 1, text: "")]
                }
                append(.quoted(value), from: start)
            case _ where isBareValueCharacter(character):
                while index < characters.count, isBareValueCharacter(characters[index]) { index += 1 }
                let word = String(characters[start..<index])
                let isValue = tokens.last.map { $0.kind == .colon || $0.kind == .equals } ?? false
                let isDigits = word.allSatisfy { $0.isASCII && $0.isNumber }
                append(isDigits && !isValue ? .number(word) : .word(word), from: start)
            default:
                let message =
                    switch character {
                    case "&": "unexpected character '&'; write 'and'"
                    case "|": "unexpected character '|'; write 'or'"
                    case "!": "unexpected character '!'; write 'not'"
                    case "'": "unexpected \"'\"; quote values with double quotes"
                    default: "unexpected character '\(character)'"
                    }
                tokens.append(Token(kind: .invalid(message), column: index, text: ""))
                return tokens + [Token(kind: .end, column: characters.count + 1, text: "")]
            }
        }
        tokens.append(Token(kind: .end, column: (tokens.last?.endColumn ?? 1), text: ""))
        return tokens
    }
}

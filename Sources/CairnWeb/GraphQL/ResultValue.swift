/// A resolver's result as plain values, to project onto a selection set (`DirectQueryExecutor`).
enum ResultValue {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ResultValue])
    case object([String: ResultValue])

    /// Whether it is `null`.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

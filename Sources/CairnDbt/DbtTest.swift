/// A dbt data test: a check on the node it is attached to.
public struct DbtTest: Sendable, Hashable {
    /// `test.shop.not_null_stg_orders_order_id.5f3b2c`.
    public var uniqueID: String
    /// The test's name, also its check's name: `not_null_stg_orders_order_id`.
    public var name: String
    /// The fully qualified name, for selecting it.
    public var fqn: [String]
    /// The node it tests: `attached_node`, or the only node it depends on.
    public var attachedNode: String?
    /// `error` or `warn`: a failing `error` test is a blocking check.
    public var severity: String
    /// The generic test it instantiates (`unique`, `relationships`), or `nil` for a singular test.
    public var testName: String?
    /// The column it tests, if any.
    public var columnName: String?
    /// Its description.
    public var description: String
}

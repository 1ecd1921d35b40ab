extension TableSchema {
    /// The number of records that inference looks at, spread evenly over the collection.
    static let inferenceSampleSize = 100

    /// Infers the columns of a table from its records, by encoding up to 100 of them spread
    /// evenly over the array.
    ///
    /// Column types are `string`, `int`, `float`, `decimal`, `bool`, `timestamp` and `url`, or the
    /// Swift type of a nested value; a `?` marks a column that is `nil` in a sampled record, and
    /// `unknown?` one that is always `nil` there. A field that is `nil` in every sampled record
    /// and skipped when `nil` (as synthesized `Encodable` does) has no column.
    ///
    /// ```swift
    /// TableSchema(inferringFrom: samples).markdown
    /// // | Name | Type |
    /// // | ---- | ---- |
    /// // | station | string |
    /// // | valid | timestamp |
    /// // | tmpf | float? |
    /// ```
    public init<Record: Encodable>(inferringFrom records: [Record]) {
        self.init(sampling: records, count: records.count)
    }

    /// Infers the columns of `value`, a collection of `count` records; no columns when `value`
    /// is not a collection of flat records.
    init(sampling value: some Encodable, count: Int) {
        let sampleSize = Self.inferenceSampleSize
        let step = max(1, count / sampleSize)
        let capture = CSVEncoder.Capture(type: Swift.type(of: value)) { index in
            index % step == 0 && index / step < sampleSize
        }
        try? value.encode(to: capture)
        guard capture.failure == nil else {
            self.init(columns: [])
            return
        }
        var order = CSVEncoder.ColumnOrder()
        var types: [String?] = []
        var hasNil: [Bool] = []
        var presence: [Int] = []
        for record in capture.records {
            let columns = order.place(record.fields.map(\.key))
            while types.count < order.names.count {
                types.append(nil)
                hasNil.append(false)
                presence.append(0)
            }
            for (field, column) in zip(record.fields, columns) {
                presence[column] += 1
                guard let type = Self.typeName(of: field.value) else {
                    hasNil[column] = true
                    continue
                }
                types[column] = types[column] == "int" && type == "float" ? type : types[column] ?? type
            }
        }
        let sampled = capture.records.count
        self.init(
            columns: order.order.map { column in
                let optional = hasNil[column] || presence[column] < sampled
                return Column(name: order.names[column], type: (types[column] ?? "unknown") + (optional ? "?" : ""))
            })
    }

    /// The column type of a field's value; `nil` for `nil`.
    private static func typeName(of value: CSVEncoder.Value) -> String? {
        switch value {
        case .null: nil
        case .string: "string"
        case .integer: "int"
        case .float: "float"
        case .bool: "bool"
        case .date: "timestamp"
        case .url: "url"
        case .decimal: "decimal"
        case .nested(let type): type
        }
    }
}

/// A parsed JSON document that keeps what `JSONSerialization` loses: member order, duplicate keys, the literal
/// text of numbers, and the difference between `true` and `1`.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, kept as its literal text so `2` and `2.5` stay distinguishable and messages quote it exactly.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object's members in document order; keys may repeat (the reader reports duplicates with a path).
    case object([JSONMember])

    /// A number value from an integer.
    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A number value from a float, written in its shortest round-tripping form.
    static func float(_ value: Float) -> JSONValue { .number(value.description) }

    /// A number value from a double, written in its shortest round-tripping form.
    static func double(_ value: Double) -> JSONValue { .number(value.description) }

    /// The value as a user sees it in "got …" messages: literals quoted as JSON, containers by kind.
    var userDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let literal): return literal
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return JSONValue.string(shown).serialized()
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue

    init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

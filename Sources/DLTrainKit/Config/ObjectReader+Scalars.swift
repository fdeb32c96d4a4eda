/// Shorthands for reading scalar members.
extension ObjectReader {
    /// A required integer member within `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        try required(key) { value, path throws(ConfigError) in try value.integer(at: path, in: range) }
    }

    /// An optional integer member within `range`, nil when absent.
    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        try optional(key) { value, path throws(ConfigError) in try value.integer(at: path, in: range) }
    }

    /// An optional integer member within `range`, `defaultValue` when absent.
    func integer(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(ConfigError) -> Int {
        try optionalInteger(key, in: range) ?? defaultValue
    }

    /// A required number member within `range`.
    func float(_ key: String, in range: NumberRange) throws(ConfigError) -> Float {
        try required(key) { value, path throws(ConfigError) in try value.float(at: path, in: range) }
    }

    /// An optional number member within `range`, nil when absent.
    func optionalFloat(_ key: String, in range: NumberRange) throws(ConfigError) -> Float? {
        try optional(key) { value, path throws(ConfigError) in try value.float(at: path, in: range) }
    }

    /// An optional number member within `range`, `defaultValue` when absent.
    func float(_ key: String, in range: NumberRange, default defaultValue: Float) throws(ConfigError) -> Float {
        try optionalFloat(key, in: range) ?? defaultValue
    }

    /// An optional boolean member, `defaultValue` when absent.
    func boolean(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        try optional(key) { value, path throws(ConfigError) in try value.boolean(at: path) } ?? defaultValue
    }

    /// A required non-empty string member.
    func string(_ key: String) throws(ConfigError) -> String {
        try required(key) { value, path throws(ConfigError) in try value.string(at: path) }
    }

    /// An optional non-empty string member, nil when absent.
    func optionalString(_ key: String) throws(ConfigError) -> String? {
        try optional(key) { value, path throws(ConfigError) in try value.string(at: path) }
    }
}

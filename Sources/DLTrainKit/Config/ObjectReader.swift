/// Reads one JSON object of a config: rejects duplicate and unknown keys up front (with a did-you-mean), then hands
/// out members by key with their JSON paths, so every error names where it happened.
struct ObjectReader {
    /// The JSON path of this object (`""` for the document, `network[2]`, `training.optimizer`).
    let path: String
    private let members: [String: JSONValue]

    /// Reads `value` at `path` as an object whose keys must all be among `allowedKeys`.
    init(_ value: JSONValue, at path: String, allowedKeys: [String]) throws(ConfigError) {
        guard case .object(let list) = value else {
            throw ConfigError(path: path, "expected an object, got \(value.userDescription)")
        }
        var members: [String: JSONValue] = [:]
        for member in list {
            guard members[member.key] == nil else { throw ConfigError(path: path, "duplicate key \"\(member.key)\"") }
            guard allowedKeys.contains(member.key) else {
                let hint = EditDistance.hint(for: member.key, among: allowedKeys)
                throw ConfigError(path: path, "unknown key \(JSONValue.string(member.key).userDescription)" + hint)
            }
            members[member.key] = member.value
        }
        self.path = path
        self.members = members
    }

    /// The JSON path of member `key`.
    func path(of key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The value of a required key.
    func required(_ key: String) throws(ConfigError) -> JSONValue {
        guard let value = members[key] else { throw ConfigError(path: path(of: key), "required key is missing") }
        return value
    }

    /// Reads a required key with `read`, which gets the value and its path.
    func required<T>(
        _ key: String, _ read: (JSONValue, String) throws(ConfigError) -> T
    ) throws(ConfigError) -> T {
        try read(try required(key), path(of: key))
    }

    /// Reads an optional key with `read`; absent or `null` gives nil.
    func optional<T>(
        _ key: String, _ read: (JSONValue, String) throws(ConfigError) -> T
    ) throws(ConfigError) -> T? {
        guard let value = optionalValue(key) else { return nil }
        return try read(value, path(of: key))
    }

    /// Reads an optional key with `read`, or gives `defaultValue` when it is absent or `null`.
    func optional<T>(
        _ key: String, default defaultValue: T, _ read: (JSONValue, String) throws(ConfigError) -> T
    ) throws(ConfigError) -> T {
        try optional(key, read) ?? defaultValue
    }

    private func optionalValue(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }
}

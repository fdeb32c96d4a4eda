/// Typed reads of config values; each error says what was expected and quotes what was found.
extension JSONValue {
    /// The value as an integer within `range`; integral numbers like `2.0` count, `2.5` and `true` do not.
    func integer(at path: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let noun = switch range.lowerBound {
        case 1: "a positive integer"
        case 0: "a non-negative integer"
        default: "an integer from \(range.lowerBound) to \(range.upperBound)"
        }
        guard case .number(let literal) = self, let number = Double(literal), number.rounded() == number,
            abs(number) <= 9_007_199_254_740_991
        else { throw ConfigError(path: path, "expected \(noun), got \(userDescription)") }
        let value = Int(number)
        guard value >= range.lowerBound else { throw ConfigError(path: path, "expected \(noun), got \(literal)") }
        guard value <= range.upperBound else {
            throw ConfigError(path: path, "expected \(noun) no larger than \(range.upperBound), got \(literal)")
        }
        return value
    }

    /// The value as a finite single-precision number within `range`.
    func float(at path: String, in range: NumberRange) throws(ConfigError) -> Float {
        guard case .number(let literal) = self, let value = Float(literal), value.isFinite, range.contains(Double(value))
        else { throw ConfigError(path: path, "expected \(range.noun), got \(userDescription)") }
        return value
    }

    /// The value as a finite double-precision number within `range`.
    func double(at path: String, in range: NumberRange) throws(ConfigError) -> Double {
        guard case .number(let literal) = self, let value = Double(literal), value.isFinite, range.contains(value)
        else { throw ConfigError(path: path, "expected \(range.noun), got \(userDescription)") }
        return value
    }

    /// The value as `true` or `false`.
    func boolean(at path: String) throws(ConfigError) -> Bool {
        guard case .bool(let value) = self else { throw ConfigError(path: path, "expected true or false, got \(userDescription)") }
        return value
    }

    /// The value as a non-empty string.
    func string(at path: String) throws(ConfigError) -> String {
        guard case .string(let value) = self, !value.isEmpty else {
            throw ConfigError(path: path, "expected a non-empty string, got \(userDescription)")
        }
        return value
    }

    /// The value as an array, each element read by `read` with its indexed path (`mean[0]`).
    func array<T>(
        at path: String, _ read: (JSONValue, String) throws(ConfigError) -> T
    ) throws(ConfigError) -> [T] {
        guard case .array(let items) = self else { throw ConfigError(path: path, "expected an array, got \(userDescription)") }
        var result: [T] = []
        for (index, item) in items.enumerated() {
            result.append(try read(item, "\(path)[\(index)]"))
        }
        return result
    }

    /// The value as a string naming one case of `T`, with a did-you-mean for near misses.
    func choice<T: CaseIterable & RawRepresentable>(
        of type: T.Type, at path: String, noun: String
    ) throws(ConfigError) -> T where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        guard case .string(let name) = self else {
            let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
            throw ConfigError(path: path, "expected \(noun) (one of \(list)), got \(userDescription)")
        }
        guard let value = T(rawValue: name) else {
            throw ConfigError(path: path, "unknown \(noun) \(userDescription)" + EditDistance.hint(for: name, among: names))
        }
        return value
    }
}

extension JSONValue {
    /// The `"type"` member of a `"type"`-keyed object (a layer, the optimizer, the schedule).
    func typeMember(at path: String, noun: String) throws(ConfigError) -> JSONValue {
        guard case .object(let members) = self else {
            throw ConfigError(path: path, "expected \(noun) object, got \(userDescription)")
        }
        guard let type = members.first(where: { $0.key == "type" })?.value else {
            throw ConfigError(path: path + ".type", "required key is missing")
        }
        return type
    }
}

/// Per-channel normalisation of input pixels scaled to [0, 1]: (x − mean) / std.
public struct NormalizeConfig: Sendable, Equatable {
    /// One value per input channel.
    public var mean: [Float]
    /// One positive value per input channel.
    public var std: [Float]

    /// Creates a normalisation config.
    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// The identity for `channels` channels: mean 0, std 1.
    public static func identity(channels: Int) -> NormalizeConfig {
        NormalizeConfig(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }
}

extension NormalizeConfig {
    init(_ reader: ObjectReader, channels: Int) throws(ConfigError) {
        mean = try reader.required("mean") { value, path throws(ConfigError) in
            try NormalizeConfig.perChannel(value, at: path, channels: channels, range: .any)
        }
        std = try reader.required("std") { value, path throws(ConfigError) in
            try NormalizeConfig.perChannel(value, at: path, channels: channels, range: .positive)
        }
    }

    static let keys = ["mean", "std"]

    var json: JSONValue {
        .object([JSONMember("mean", .array(mean.map(JSONValue.float))), JSONMember("std", .array(std.map(JSONValue.float)))])
    }

    private static func perChannel(
        _ value: JSONValue, at path: String, channels: Int, range: NumberRange
    ) throws(ConfigError) -> [Float] {
        let values = try value.array(at: path) { item, path throws(ConfigError) in try item.float(at: path, in: range) }
        guard values.count == channels else {
            let plural = channels == 1 ? "value" : "values"
            throw ConfigError(path: path, "expected \(channels) \(plural) (one per input channel), got \(values.count)")
        }
        return values
    }
}

/// The size every image is resized to before it enters the network.
public struct InputConfig: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (grayscale) or 3 (RGB).
    public var channels: Int

    /// Creates an input config.
    public init(width: Int, height: Int, channels: Int) {
        self.width = width
        self.height = height
        self.channels = channels
    }

    /// The shape of one input image: [channels, height, width].
    public var shape: [Int] { [channels, height, width] }
}

extension InputConfig {
    init(_ reader: ObjectReader) throws(ConfigError) {
        width = try reader.integer("width", in: Limits.imageSide)
        height = try reader.integer("height", in: Limits.imageSide)
        channels = try reader.required("channels") { value, path throws(ConfigError) in
            guard case .number(let literal) = value, literal == "1" || literal == "3" else {
                throw ConfigError(path: path, "expected 1 (grayscale) or 3 (RGB), got \(value.userDescription)")
            }
            return Int(literal) ?? 1
        }
    }

    static let keys = ["width", "height", "channels"]

    var json: JSONValue {
        .object([JSONMember("width", .integer(width)), JSONMember("height", .integer(height)),
                 JSONMember("channels", .integer(channels))])
    }
}

/// Random training-time augmentation; validation images are never augmented.
public struct AugmentConfig: Sendable, Equatable {
    /// Mirror each training image left–right with probability ½.
    public var horizontalFlip: Bool
    /// Pad by this many pixels on each side, then crop back to the input size at a random offset; padding is 0
    /// after normalisation, i.e. the mean colour.
    public var randomCropPadding: Int

    /// Creates an augmentation config; the defaults augment nothing.
    public init(horizontalFlip: Bool = false, randomCropPadding: Int = 0) {
        self.horizontalFlip = horizontalFlip
        self.randomCropPadding = randomCropPadding
    }
}

extension AugmentConfig {
    init(_ reader: ObjectReader) throws(ConfigError) {
        horizontalFlip = try reader.boolean("horizontal_flip", default: false)
        randomCropPadding = try reader.integer("random_crop_padding", in: Limits.padding, default: 0)
    }

    static let keys = ["horizontal_flip", "random_crop_padding"]

    var json: JSONValue {
        .object([JSONMember("horizontal_flip", .bool(horizontalFlip)),
                 JSONMember("random_crop_padding", .integer(randomCropPadding))])
    }
}

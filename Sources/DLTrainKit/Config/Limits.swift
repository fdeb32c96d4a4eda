/// The largest values the config accepts: generous for real work, small enough that a typo (an extra zero or
/// three) is caught before it allocates terabytes or overflows a product.
enum Limits {
    static let imageSide = 1...8192
    static let units = 1...1_000_000
    static let window = 1...4096
    static let padding = 0...4096
    static let epochs = 1...100_000
    static let batchSize = 1...65_536
    static let seed = 0...9_007_199_254_740_991
    static let steps = 1...1_000_000_000
    static let cacheMegabytes = 0...1_048_576
    static let workers = 1...256
    static let keepLast = 0...100_000
    /// `data.max_pixels`: up to 2³⁰ pixels (a 32768 × 32768 image, 3 GiB of RGB bytes).
    static let maxPixels = 1...1_073_741_824
    /// Parameters of the whole network, and values in any one layer's output per image.
    static let maximumCount = 2_147_483_647
}

/// An 8-bit image in memory: rows top to bottom, pixels interleaved (HWC), `channels` bytes per pixel.
///
/// Decoded images have 1 (gray) or 3 (RGB) channels; the encoders also accept 2 (gray + alpha) and 4 (RGBA).
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bytes per pixel: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// `height × width × channels` bytes, row-major, channels interleaved.
    public var pixels: [UInt8]

    /// Wraps interleaved pixels; `pixels.count` must equal `width × height × channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image size must be positive")
        precondition((1...4).contains(channels), "channels must be 1...4")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

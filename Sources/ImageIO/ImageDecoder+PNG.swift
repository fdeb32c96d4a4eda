import CPNG

extension ImageDecoder {
    /// Decodes PNG bytes with libpng's simplified API; libpng expands palettes and reduces 16 bits to 8.
    ///
    /// 16-bit files without gamma information are taken as sRGB-encoded (`PNG_IMAGE_FLAG_16BIT_sRGB`), so their
    /// 8-bit values are a plain rescale, as in PIL and OpenCV.
    static func decodePNG(_ bytes: UnsafeRawBufferPointer, _ request: DecodeRequest) throws -> Image {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&png) }
        guard png_image_begin_read_from_memory(&png, bytes.baseAddress, bytes.count) != 0 else {
            throw request.error(pngFailure(&png))
        }
        let width = Int(png.width), height = Int(png.height)
        try request.checkSize(width: width, height: height)
        let hasColor = png.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = png.format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0
        png.format = (hasColor ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0)
            | (hasAlpha ? png_uint_32(PNG_FORMAT_FLAG_ALPHA) : 0)
        png.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        let fileChannels = (hasColor ? 3 : 1) + (hasAlpha ? 1 : 0)
        var pixels = [UInt8](repeating: 0, count: width * height * fileChannels)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&png, nil, buffer.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw request.error(pngFailure(&png)) }
        let decoded = Image(width: width, height: height, channels: fileChannels, pixels: pixels)
        return decoded.converted(toChannels: request.channels)
    }

    /// Maps libpng's error message to a reason; running out of input means the file is truncated.
    private static func pngFailure(_ png: inout png_image) -> ImageError.Reason {
        let message = withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if message.contains("end of data") || message.contains("Not enough image data")
            || message.contains("unexpected end") {
            return .truncated
        }
        return .corrupt(message.isEmpty ? "libpng failed without a message" : message)
    }
}

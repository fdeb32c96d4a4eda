import Foundation

/// Decodes PNG and JPEG files into 8-bit gray or RGB `Image`s, recognising the format by its magic bytes.
///
/// Errors are always `ImageError`s naming the file; a damaged file never terminates the process (libpng is used
/// through its simplified API and libjpeg-turbo through TurboJPEG, both of which report errors as return codes).
public enum ImageDecoder {
    /// The default limit on `width × height` read from a header before any pixel memory is allocated.
    public static let defaultMaxPixels = 64 * 1024 * 1024

    /// Decodes the file at `url` to `channels` (1 = gray, 3 = RGB) interleaved bytes per pixel.
    ///
    /// Gray sources are replicated to RGB, colour sources become ITU-R 601 luma for gray, alpha is dropped.
    /// With `covering`, a JPEG may be decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling: faster, and a
    /// proper downscale) as long as the result still covers that size; other formats ignore it.
    /// Throws `ImageError`.
    public static func decode(contentsOf url: URL, channels: Int, maxPixels: Int = defaultMaxPixels,
                              covering target: (width: Int, height: Int)? = nil) throws -> Image {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImageError(file: url.path, reason: .unreadable(readFailure(error, url: url)))
        }
        return try decode(data, name: url.path, channels: channels, maxPixels: maxPixels, covering: target)
    }

    /// Decodes in-memory file bytes; `name` is what errors report as the file. Throws `ImageError`.
    public static func decode(_ data: Data, name: String, channels: Int, maxPixels: Int = defaultMaxPixels,
                              covering target: (width: Int, height: Int)? = nil) throws -> Image {
        guard channels == 1 || channels == 3 else {
            throw ImageError(file: name, reason: .unsupportedChannelCount(channels))
        }
        return try data.withUnsafeBytes { bytes in
            guard !bytes.isEmpty else { throw ImageError(file: name, reason: .empty) }
            let request = DecodeRequest(name: name, channels: channels, maxPixels: maxPixels,
                                        coverWidth: target?.width ?? 0, coverHeight: target?.height ?? 0)
            switch ImageFormat.sniff(bytes) {
            case .png: return try decodePNG(bytes, request)
            case .jpeg: return try decodeJPEG(bytes, request)
            case .some(let other): throw request.error(.unsupportedFormat(other.rawValue))
            case nil:
                throw request.error(ImageFormat.isSignaturePrefix(bytes) ? .truncated : .notAnImage)
            }
        }
    }

    private static func readFailure(_ error: any Error, url: URL) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a folder" }
        if !FileManager.default.isReadableFile(atPath: url.path) { return "permission denied" }
        return error.localizedDescription
    }
}

/// What one decode call asked for; shared by the format-specific decoders.
struct DecodeRequest {
    let name: String
    let channels: Int
    let maxPixels: Int
    /// A size the decoded image must still cover when a decoder can shrink while decoding (0: full size).
    let coverWidth: Int
    let coverHeight: Int

    func error(_ reason: ImageError.Reason) -> ImageError {
        ImageError(file: name, reason: reason)
    }

    /// Refuses a header whose pixel count exceeds the limit, before anything is allocated.
    func checkSize(width: Int, height: Int) throws {
        guard width > 0, height > 0 else { throw error(.corrupt("the header gives a size of \(width)×\(height)")) }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
              width <= maxPixels, height <= maxPixels else {
            throw error(.tooLarge(width: width, height: height, maxPixels: maxPixels))
        }
    }
}

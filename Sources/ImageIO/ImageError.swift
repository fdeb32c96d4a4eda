import Foundation

/// Why an image file could not be decoded, with the file it came from.
public struct ImageError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The failure, independent of the file.
    public enum Reason: Equatable, Sendable {
        /// The file could not be read (missing, permissions, a folder).
        case unreadable(String)
        /// The file has no bytes.
        case empty
        /// The bytes are no image format at all (text, archives, ...).
        case notAnImage
        /// A real image format that dltrain does not decode (GIF, BMP, WebP, TIFF).
        case unsupportedFormat(String)
        /// The data ends before the image does.
        case truncated
        /// The decoder rejected the data; the library's message.
        case corrupt(String)
        /// A CMYK or YCCK JPEG (print-oriented files).
        case cmykJPEG
        /// The header claims more pixels than allowed.
        case tooLarge(width: Int, height: Int, maxPixels: Int)
        /// A channel count other than 1 or 3 was requested.
        case unsupportedChannelCount(Int)
        /// The encoder failed; the library's message.
        case encodingFailed(String)
    }

    /// The file (or a caller-chosen name for in-memory data).
    public let file: String
    /// What went wrong.
    public let reason: Reason

    /// Pairs a file name with a reason.
    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason.message)" }
    public var errorDescription: String? { description }
}

extension ImageError.Reason {
    /// A sentence fragment for users.
    public var message: String {
        switch self {
        case .unreadable(let why): "cannot read the file (\(why))"
        case .empty: "the file is empty (zero bytes)"
        case .notAnImage: "not an image (expected PNG or JPEG data)"
        case .unsupportedFormat(let name): "\(name) images are not supported; convert to PNG or JPEG"
        case .truncated: "the file is truncated"
        case .corrupt(let why): "corrupt image data (\(why))"
        case .cmykJPEG: "CMYK JPEG is not supported; convert it to RGB"
        case .tooLarge(let w, let h, let limit):
            "the image is \(w)×\(h) pixels, more than the limit of \(limit) pixels"
        case .unsupportedChannelCount(let n): "cannot decode to \(n) channels (use 1 or 3)"
        case .encodingFailed(let why): "encoding failed (\(why))"
        }
    }
}

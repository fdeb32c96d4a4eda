import CPNG
import CTurboJPEG
import Foundation

/// Encodes images to PNG (libpng simplified API) and JPEG (TurboJPEG); used to generate test images and datasets.
public enum ImageEncoder {
    /// An 8-bit PNG of `image` (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA channels).
    public static func png(_ image: Image) throws -> Data {
        let format = pngFormat(channels: image.channels)
        return try image.pixels.withUnsafeBytes { pixels in
            try writePNG(width: image.width, height: image.height, format: format, pixels: pixels, colormap: nil)
        }
    }

    /// A 16-bit PNG of linear-light `samples` (interleaved, 1–4 channels); libpng records gamma 1.0 (`gAMA`).
    public static func png16(width: Int, height: Int, channels: Int, samples: [UInt16]) throws -> Data {
        precondition(samples.count == width * height * channels, "sample count does not match the size")
        let format = pngFormat(channels: channels) | png_uint_32(PNG_FORMAT_FLAG_LINEAR)
        return try samples.withUnsafeBytes { pixels in
            try writePNG(width: width, height: height, format: format, pixels: pixels, colormap: nil)
        }
    }

    /// A palette PNG: one index byte per pixel into `palette`, whose entries are RGB (3) or RGBA (4) bytes.
    public static func pngPalette(width: Int, height: Int, indices: [UInt8], palette: [UInt8],
                                  paletteChannels: Int) throws -> Data {
        precondition(indices.count == width * height, "index count does not match the size")
        precondition(paletteChannels == 3 || paletteChannels == 4, "palette entries are RGB or RGBA")
        let entryFormat = pngFormat(channels: paletteChannels)
        let format = entryFormat | png_uint_32(PNG_FORMAT_FLAG_COLORMAP)
        return try indices.withUnsafeBytes { pixels in
            try palette.withUnsafeBytes { colormap in
                try writePNG(width: width, height: height, format: format, pixels: pixels, colormap: colormap,
                             colormapEntries: palette.count / paletteChannels)
            }
        }
    }

    /// A baseline JPEG: 1 channel gray, 3 channels RGB (4:4:4), 4 channels written as CMYK (an Adobe YCCK file).
    public static func jpeg(_ image: Image, quality: Int = 95) throws -> Data {
        let (format, subsampling): (TJPF, TJSAMP) = switch image.channels {
        case 1: (TJPF_GRAY, TJSAMP_GRAY)
        case 3: (TJPF_RGB, TJSAMP_444)
        case 4: (TJPF_CMYK, TJSAMP_444)
        default: preconditionFailure("JPEG needs 1, 3 or 4 channels")
        }
        guard let handle = tjInitCompress() else { throw failure("JPEG", "cannot create a TurboJPEG compressor") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { tjFree(output) }
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height),
                        Int32(format.rawValue), &output, &size, Int32(subsampling.rawValue), Int32(quality), 0)
        }
        guard status == 0, let output else {
            throw failure("JPEG", tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error")
        }
        return Data(bytes: output, count: Int(size))
    }

    /// The simplified-API format flags for 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA channels.
    private static func pngFormat(channels: Int) -> png_uint_32 {
        precondition((1...4).contains(channels), "PNG needs 1...4 channels")
        let color = channels >= 3 ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0
        let alpha = channels % 2 == 0 ? png_uint_32(PNG_FORMAT_FLAG_ALPHA) : 0
        return color | alpha
    }

    private static func writePNG(width: Int, height: Int, format: png_uint_32, pixels: UnsafeRawBufferPointer,
                                 colormap: UnsafeRawBufferPointer?, colormapEntries: Int = 0) throws -> Data {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(width)
        png.height = png_uint_32(height)
        png.format = format
        png.colormap_entries = png_uint_32(colormapEntries)
        defer { png_image_free(&png) }
        var size: png_alloc_size_t = 0
        guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, 0, colormap?.baseAddress) != 0
        else { throw failure("PNG", message(&png)) }
        var data = Data(count: Int(size))
        let written = data.withUnsafeMutableBytes { buffer in
            png_image_write_to_memory(&png, buffer.baseAddress, &size, 0, pixels.baseAddress, 0,
                                      colormap?.baseAddress)
        }
        guard written != 0 else { throw failure("PNG", message(&png)) }
        return data.prefix(Int(size))
    }

    private static func message(_ png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    private static func failure(_ format: String, _ message: String) -> ImageError {
        ImageError(file: "(\(format) encoder)", reason: .encodingFailed(message))
    }
}

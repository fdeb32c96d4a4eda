import CTurboJPEG

extension ImageDecoder {
    /// Decodes JPEG bytes with TurboJPEG straight to gray or RGB (TurboJPEG's gray output is the 601 luma `Y`).
    ///
    /// Harmless libjpeg warnings (stray bytes between markers) are accepted like other decoders do; a file that
    /// ends early is refused as truncated and a damaged scan as corrupt.
    static func decodeJPEG(_ bytes: UnsafeRawBufferPointer, _ request: DecodeRequest) throws -> Image {
        guard let handle = tjInitDecompress() else {
            throw request.error(.corrupt("cannot create a TurboJPEG decompressor"))
        }
        defer { tjDestroy(handle) }
        let source = bytes.bindMemory(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source.baseAddress, UInt(source.count),
                               &width, &height, &subsampling, &colorspace) != 0 {
            if let reason = jpegFailure(handle) { throw request.error(reason) }
            // Only a warning, yet no size: the headers ran out before the frame. Cut short unless the end marker
            // is there.
            if width <= 0 || height <= 0 {
                let ended = source.count >= 2 && source[source.count - 2] == 0xFF && source[source.count - 1] == 0xD9
                throw request.error(ended ? .corrupt("the headers give no image size") : .truncated)
            }
        }
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw request.error(.cmykJPEG)
        }
        try request.checkSize(width: Int(width), height: Int(height))
        let denominator = scaleDenominator(width: Int(width), height: Int(height), request)
        let scaledWidth = (Int(width) + denominator - 1) / denominator
        let scaledHeight = (Int(height) + denominator - 1) / denominator
        let format = request.channels == 1 ? TJPF_GRAY : TJPF_RGB
        var pixels = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * request.channels)
        let status = pixels.withUnsafeMutableBufferPointer { destination in
            tjDecompress2(handle, source.baseAddress, UInt(source.count), destination.baseAddress,
                          Int32(scaledWidth), 0, Int32(scaledHeight), Int32(format.rawValue), 0)
        }
        if status != 0, let reason = jpegFailure(handle) { throw request.error(reason) }
        return Image(width: scaledWidth, height: scaledHeight, channels: request.channels, pixels: pixels)
    }

    /// The largest of 8, 4, 2, 1 whose DCT-scaled size (rounded up, as libjpeg does) still covers the request.
    private static func scaleDenominator(width: Int, height: Int, _ request: DecodeRequest) -> Int {
        guard request.coverWidth > 0 && request.coverHeight > 0 else { return 1 }
        return [8, 4, 2].first { d in
            (width + d - 1) / d >= request.coverWidth && (height + d - 1) / d >= request.coverHeight
        } ?? 1
    }

    /// The reason for the last TurboJPEG failure on `handle`, or nil for a warning that is safe to ignore.
    ///
    /// libjpeg only warns when data runs out or a scan is damaged (and fills the rest with gray); those count as
    /// truncated or corrupt here. Other warnings (stray bytes between markers) leave the pixels intact.
    private static func jpegFailure(_ handle: tjhandle) -> ImageError.Reason? {
        let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? ""
        if message.contains("Premature end of JPEG file") { return .truncated }
        let damagedScan = message.contains("premature end of data segment")
        if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) && !damagedScan { return nil }
        return .corrupt(message.isEmpty ? "TurboJPEG failed without a message" : message)
    }
}

import Foundation

/// Decoded, resized images kept as bytes, one fixed-size slot per cached sample, filled first come first
/// served until the byte limit; nothing is evicted (random epoch orders would defeat any eviction policy).
final class ImageCache: @unchecked Sendable {
    private let bytesPerImage: Int
    private let capacity: Int
    private let storage: UnsafeMutablePointer<UInt8>?
    private var slotOfSample: [Int32]
    private var usedSlots = 0
    private var hits = 0
    private var misses = 0
    private let lock = NSLock()

    /// A cache for `sampleCount` images of `bytesPerImage` bytes, using at most `limitBytes`.
    init(sampleCount: Int, bytesPerImage: Int, limitBytes: Int) {
        self.bytesPerImage = bytesPerImage
        capacity = min(sampleCount, limitBytes / max(1, bytesPerImage), Int(Int32.max))
        storage = capacity > 0 ? .allocate(capacity: capacity * bytesPerImage) : nil
        slotOfSample = [Int32](repeating: -1, count: capacity > 0 ? sampleCount : 0)
    }

    deinit { storage?.deallocate() }

    /// The cached bytes of `sample`, or nil (a miss). Slots never change once filled, so reading needs no lock.
    func pixels(of sample: Int) -> UnsafeBufferPointer<UInt8>? {
        lock.lock()
        let slot = slotOfSample.isEmpty ? -1 : Int(slotOfSample[sample])
        if slot >= 0 { hits += 1 } else { misses += 1 }
        lock.unlock()
        guard slot >= 0, let storage else { return nil }
        return UnsafeBufferPointer(start: storage + slot * bytesPerImage, count: bytesPerImage)
    }

    /// Keeps a copy of `pixels` for `sample` while there is room.
    func store(_ pixels: UnsafeBufferPointer<UInt8>, for sample: Int) {
        precondition(pixels.count == bytesPerImage, "cached images must all have the same size")
        lock.lock()
        defer { lock.unlock() }
        guard let storage, usedSlots < capacity, slotOfSample[sample] < 0 else { return }
        let slot = usedSlots
        (storage + slot * bytesPerImage).update(from: pixels.baseAddress!, count: bytesPerImage)
        slotOfSample[sample] = Int32(slot)
        usedSlots += 1
    }

    /// Counters since the cache was made.
    var statistics: LoaderStatistics {
        lock.lock()
        defer { lock.unlock() }
        return LoaderStatistics(cachedImages: usedSlots, cacheHits: hits, decodedImages: misses)
    }
}

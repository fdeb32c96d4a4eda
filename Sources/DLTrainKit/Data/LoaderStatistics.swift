/// What a `BatchLoader` has done so far, for logs and tests.
public struct LoaderStatistics: Sendable, Equatable {
    /// Images held in the in-memory cache.
    public var cachedImages: Int
    /// Images served from the cache.
    public var cacheHits: Int
    /// Images read from disk and decoded.
    public var decodedImages: Int

    /// Counters with the given values.
    public init(cachedImages: Int, cacheHits: Int, decodedImages: Int) {
        self.cachedImages = cachedImages
        self.cacheHits = cacheHits
        self.decodedImages = decodedImages
    }
}

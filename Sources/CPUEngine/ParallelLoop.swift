import Synchronization

/// Splits a loop over `0..<count` into contiguous ranges run on the engine's worker pool.
struct ParallelLoop: Sendable {
    /// Work (roughly, floats touched) below which a loop stays on the calling thread.
    static let minimumWorkPerChunk = 32_768

    /// The threads that run the chunks.
    let pool: WorkerPool

    /// The pool's threads, the calling one included.
    var threads: Int { pool.threads }

    /// How many blocks a loop over plenty of work is cut into: four per thread, which the pool's threads claim as
    /// they go, so a thread slowed down by another process runs fewer (one block when there is one thread).
    var balancedBlocks: Int { threads > 1 ? 4 * threads : 1 }

    /// Calls `body` on disjoint ranges covering `0..<count`; `itemCost` is the work of one index.
    ///
    /// Each range gets at least `minimumWorkPerChunk` work, so tiny loops run on the calling thread.
    func forEach(_ count: Int, itemCost: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = chunkCount(count, itemCost: itemCost)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        pool.run(chunks) { chunk in
            body(Self.range(chunk, of: chunks, count: count))
        }
    }

    /// Sums `partial(range)` over disjoint ranges covering `0..<count`, adding the partial sums in double precision.
    func sum(_ count: Int, itemCost: Int, _ partial: @Sendable (Range<Int>) -> Double) -> Double {
        let chunks = chunkCount(count, itemCost: itemCost)
        if chunks <= 1 {
            return count > 0 ? partial(0..<count) : 0
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { totals in
            let out = SendablePointer(totals.baseAddress!)
            pool.run(chunks) { chunk in
                out[chunk] = partial(Self.range(chunk, of: chunks, count: count))
            }
            return totals.reduce(0, +)
        }
    }

    /// Up to `balancedBlocks` chunks, each with at least `minimumWorkPerChunk` work.
    private func chunkCount(_ count: Int, itemCost: Int) -> Int {
        min(balancedBlocks, count, count * max(itemCost, 1) / Self.minimumWorkPerChunk)
    }

    private static func range(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        count * chunk / chunks..<count * (chunk + 1) / chunks
    }
}

/// A counter that hands out 0, 1, 2, … to whichever thread asks next.
final class ChunkClaims: Sendable {
    private let counter = Atomic<Int>(0)

    /// The next unclaimed index.
    func next() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}

/// A mutable pointer handed to concurrent loop bodies, each writing disjoint elements.
struct SendablePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>

    init(_ base: UnsafeMutablePointer<Element>) {
        self.base = base
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

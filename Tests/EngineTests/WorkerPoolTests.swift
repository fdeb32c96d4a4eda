@testable import CPUEngine
import Foundation
import Synchronization
import XCTest

/// The CPU engine's worker pool: every chunk runs exactly once per job, across many back-to-back jobs (workers
/// spinning and sleeping between them), nested jobs and jobs from two threads at once run inline, and a stopped
/// pool's owner can go on.
final class WorkerPoolTests: XCTestCase {
    func testEveryChunkRunsOnceAcrossManyJobs() {
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threads: threads)
            defer { pool.stop() }
            for job in 0..<2_000 {
                let chunks = 1 + job % 7
                let counts = ChunkCounts(chunks)
                pool.run(chunks) { chunk in counts.count(chunk) }
                XCTAssertEqual(counts.values, [Int](repeating: 1, count: chunks), "job \(job), \(threads) threads")
                if job % 500 == 0 { Thread.sleep(forTimeInterval: 0.001) }  // past the spin: workers sleep
            }
        }
    }

    func testNestedJobsRunInline() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        let total = Atomic<Int>(0)
        pool.run(4) { outer in
            pool.run(3) { inner in total.add(10 * outer + inner, ordering: .relaxed) }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), (0..<4).reduce(0) { $0 + 3 * 10 * $1 } + 4 * 3)
    }

    func testJobsFromTwoThreadsAtOnce() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<500 {
                pool.run(5) { chunk in total.add(chunk + 1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 2 * 500 * 15)
    }
}

/// How many times each chunk ran.
private final class ChunkCounts: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Int]

    init(_ chunks: Int) { values = [Int](repeating: 0, count: chunks) }

    func count(_ chunk: Int) {
        lock.lock()
        values[chunk] += 1
        lock.unlock()
    }
}

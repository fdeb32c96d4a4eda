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

    /// Two chunks that each wait for the other to start: only passes if a worker really takes one.
    func testWorkersJoinJobs() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        let started = Atomic<Int>(0)
        let joined = Atomic<Int>(0)
        for _ in 0..<50 {
            started.store(0, ordering: .sequentiallyConsistent)
            pool.run(2) { _ in
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = Date().addingTimeInterval(5)
                while started.load(ordering: .sequentiallyConsistent) < 2, Date() < deadline {}
                if started.load(ordering: .sequentiallyConsistent) == 2 { joined.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(joined.load(ordering: .relaxed), 100)
    }

    func testAStoppedPoolRunsJobsOnTheCallingThread() {
        let pool = WorkerPool(threads: 3)
        pool.stop()
        Thread.sleep(forTimeInterval: 0.01)
        let counts = ChunkCounts(6)
        pool.run(6) { chunk in counts.count(chunk) }
        XCTAssertEqual(counts.values, [Int](repeating: 1, count: 6))
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

import CPUEngine
import CVectorKernels
import XCTest

/// `dl_sum_floats` against a sum in double precision, over every tail length, and the bandwidth benchmark's sweep
/// covering its whole buffer on several thread counts.
final class MemoryBandwidthBenchmarkTests: XCTestCase {
    func testSumMatchesADoublePrecisionSumForEveryTail() {
        for count in Array(0...300) + [1 << 12, (1 << 16) + 77] {
            let values = (0..<count).map { Float(($0 * 37) % 101) / 16 - 3.1 }
            let expected = values.reduce(0.0) { $0 + Double($1) }
            let sum = values.withUnsafeBufferPointer { dl_sum_floats($0.baseAddress, count) }
            XCTAssertEqual(Double(sum), expected, accuracy: 1e-5 * max(1, values.reduce(0.0) { $0 + abs(Double($1)) }),
                           "count \(count)")
        }
    }

    func testSumIsExactOnIntegers() {
        let count = (1 << 20) + 13
        let ones = [Float](repeating: 1, count: count)
        XCTAssertEqual(ones.withUnsafeBufferPointer { dl_sum_floats($0.baseAddress, count) }, Float(count))
        // A NaN anywhere reaches the sum: nothing is skipped.
        for position in [0, 127, 128, count - 1] {
            var poisoned = ones
            poisoned[position] = .nan
            XCTAssertTrue(poisoned.withUnsafeBufferPointer { dl_sum_floats($0.baseAddress, count) }.isNaN,
                          "NaN at \(position)")
        }
    }

    func testBenchmarkSweepsTheWholeBufferOnEachThreadCount() throws {
        // An odd size: the last float ends neither a vector nor a thread's equal share.
        for threads in 1...3 {
            let result = try MemoryBandwidthBenchmark.measure(bytes: 12 << 20 + 20, threads: threads, repeats: 2,
                                                              minimumSeconds: 0.01)
            XCTAssertEqual(result.bytes, 12 << 20 + 20)
            XCTAssertEqual(result.checksum, Double((12 << 20 + 20) / 4), "every float read once per sweep")
            XCTAssertEqual(result.threads, threads)
            XCTAssertEqual(result.gigabytesPerSecond.count, 2)
            for rate in result.gigabytesPerSecond { XCTAssertTrue(rate.isFinite && rate > 0, "\(rate)") }
            XCTAssertEqual(result.median, (result.gigabytesPerSecond[0] + result.gigabytesPerSecond[1]) / 2)
            XCTAssertEqual(result.best, result.gigabytesPerSecond.max())
        }
    }

    func testAnEmptyBufferIsRefused() {
        XCTAssertThrowsError(try MemoryBandwidthBenchmark.measure(bytes: 3, threads: 1))
    }
}

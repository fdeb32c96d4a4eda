import Foundation
import XCTest

/// `dltrain bench-gemm` and `dltrain bench-memory`, the yardsticks scripts/bench.sh reads: their JSON as the script
/// parses it, and their argument checks.
final class BenchCommandTests: XCTestCase {
    private let folder = FileManager.default.temporaryDirectory

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try BinaryRunner.run(arguments, in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
            as? [String: Any], result.standardOutput)
    }

    func testBenchGEMMPrintsItsCeilingAsJSON() throws {
        let object = try json(["bench-gemm", "--m", "96", "--n", "64", "--k", "80", "--threads", "2", "--repeats",
                               "3", "--json"])
        XCTAssertEqual(Set(object.keys), ["m", "n", "k", "threads", "mode", "core", "median_gflops", "best_gflops",
                                          "repeats_gflops"])
        XCTAssertEqual(object["threads"] as? Int, 2)
        let repeats = try XCTUnwrap(object["repeats_gflops"] as? [Double])
        XCTAssertEqual(repeats.count, 3)
        XCTAssertEqual(object["median_gflops"] as? Double, repeats.sorted()[1])
        XCTAssertEqual(object["best_gflops"] as? Double, repeats.max())
    }

    func testBenchMemoryPrintsItsBandwidthAsJSON() throws {
        let object = try json(["bench-memory", "--mib", "16", "--threads", "2", "--repeats", "3", "--json"])
        XCTAssertEqual(Set(object.keys), ["bytes", "threads", "median_gbps", "best_gbps", "repeats_gbps"])
        XCTAssertEqual(object["bytes"] as? Int, 16 << 20)
        XCTAssertEqual(object["threads"] as? Int, 2)
        let repeats = try XCTUnwrap(object["repeats_gbps"] as? [Double])
        XCTAssertEqual(repeats.count, 3)
        XCTAssertTrue(repeats.allSatisfy { $0 > 0 }, "\(repeats)")
        XCTAssertEqual(object["median_gbps"] as? Double, repeats.sorted()[1])
    }

    func testBenchMemoryRefusesAnEmptyBuffer() throws {
        let result = try BinaryRunner.run(["bench-memory", "--mib", "0"], in: folder)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("--mib must be at least 1"), result.standardError)
    }
}

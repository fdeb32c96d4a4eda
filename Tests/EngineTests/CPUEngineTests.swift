@testable import CPUEngine
import Engine
import XCTest

/// Tensors, copies, transfer counting, naming and OpenBLAS core selection.
final class CPUEngineTests: XCTestCase {
    func testUploadDownloadRoundTripsAndCountsTransfers() throws {
        let engine = CPUEngine(threads: 2)
        var random = TestRandom(seed: 1)
        let values = random.floats(1_001)
        let tensor = try engine.makeTensor(Shape(7, 11, 13), label: "t")
        try values.withUnsafeBufferPointer { try engine.upload($0, to: tensor) }
        XCTAssertEqual(try engine.download(tensor), values)
        XCTAssertEqual(engine.transfers.uploads, 1)
        XCTAssertEqual(engine.transfers.downloads, 1)
        XCTAssertEqual(engine.transfers.bytesUploaded, 4_004)
        XCTAssertEqual(engine.transfers.bytesDownloaded, 4_004)
    }

    func testTensorsAre64ByteAligned() throws {
        let engine = CPUEngine(threads: 1)
        for count in [1, 3, 17, 1_000] {
            let tensor = try XCTUnwrap(engine.makeTensor(Shape(count), label: "t") as? CPUTensor)
            XCTAssertEqual(Int(bitPattern: tensor.pointer) % 64, 0)
        }
    }

    func testUploadOfWrongCountThrows() throws {
        let engine = CPUEngine(threads: 1)
        let tensor = try engine.makeTensor(Shape(4), label: "weights")
        XCTAssertThrowsError(try [Float](repeating: 0, count: 3).withUnsafeBufferPointer {
            try engine.upload($0, to: tensor)
        })
        XCTAssertEqual(engine.transfers.uploads, 0)
    }

    func testFillAndCopyCoverEveryElementAcrossThreads() throws {
        let engine = CPUEngine(threads: 3)
        let count = 100_003
        let source = try engine.makeTensor(Shape(count), label: "source")
        let destination = try engine.makeTensor(Shape(count), label: "destination")
        try engine.fill(source, with: 2.5)
        try engine.fill(destination, with: .nan)
        try engine.copy(source, to: destination)
        XCTAssertEqual(try engine.download(destination), [Float](repeating: 2.5, count: count))
    }

    func testNameShowsCoreAndThreads() {
        XCTAssertFalse(OpenBLASCore.coreName.isEmpty)
        XCTAssertTrue(OpenBLASCore.configuration.hasPrefix("OpenBLAS"), OpenBLASCore.configuration)
        XCTAssertEqual(CPUEngine(threads: 2).name, "cpu (OpenBLAS \(OpenBLASCore.coreName), 2 threads)")
        XCTAssertEqual(CPUEngine(threads: 1).name, "cpu (OpenBLAS \(OpenBLASCore.coreName), 1 thread)")
    }

    func testCoreTypeFollowsCPUFlags() {
        let skylake = "processor : 0\nflags : fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl\n"
        XCTAssertEqual(OpenBLASCore.coreType(forCPUInfo: skylake), "SKYLAKEX")
        XCTAssertEqual(OpenBLASCore.coreType(forCPUInfo: "flags\t\t: sse2 avx fma avx2 avx512f\n"), "HASWELL")
        XCTAssertNil(OpenBLASCore.coreType(forCPUInfo: "flags : sse2 avx avx2\n"))
        XCTAssertNil(OpenBLASCore.coreType(forCPUInfo: "processor : 0\n"))
        XCTAssertTrue([nil, "SKYLAKEX", "HASWELL"].contains(OpenBLASCore.preferredCoreType()))
    }

    func testLoadedKernelsPassTheSelfCheck() {
        XCTAssertTrue(OpenBLASCore.selfCheck(), "core \(OpenBLASCore.coreName)")
    }
}

/// A deterministic SplitMix64 source of test data.
struct TestRandom {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` floats uniform in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in
            range.lowerBound + (range.upperBound - range.lowerBound) * Float(next() >> 40) / 16_777_216
        }
    }

    /// `count` integers in `0..<bound`, as floats (labels).
    mutating func labels(_ count: Int, below bound: Int) -> [Float] {
        (0..<count).map { _ in Float(Int(next() % UInt64(bound))) }
    }
}

extension ComputeEngine {
    /// A tensor of `shape` holding `values`.
    func tensor(_ values: [Float], _ shape: Shape) throws -> Tensor {
        let tensor = try makeTensor(shape, label: "test")
        try values.withUnsafeBufferPointer { try upload($0, to: tensor) }
        return tensor
    }

    /// A tensor of `shape` filled with NaN, so an op that skips an element shows.
    func poisoned(_ shape: Shape) throws -> Tensor {
        let tensor = try makeTensor(shape, label: "test")
        try fill(tensor, with: .nan)
        return tensor
    }
}

/// Fails unless `actual` and `expected` have equal counts and `|a − e| ≤ tolerance·max(1, |e|)` everywhere.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance * max(1, abs(e))) {
        XCTFail("\(what)[\(i)] = \(a), expected \(e) (tolerance \(tolerance))", file: file, line: line)
        return
    }
}

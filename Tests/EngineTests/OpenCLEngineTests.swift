import Engine
import OpenCLEngine
import XCTest

/// The OpenCL engine on its own (PoCL in CI): device discovery, copies, GEMM, dropout, and every failure path.
final class OpenCLEngineTests: XCTestCase {
    /// One engine for the whole class: building the kernels costs seconds on PoCL.
    nonisolated(unsafe) private static var shared: Result<OpenCLEngine, Error>?

    override class func setUp() {
        super.setUp()
        shared = Result { try OpenCLEngine() }
    }

    override class func tearDown() {
        shared = nil
        super.tearDown()
    }

    private var engine: OpenCLEngine {
        get throws { try XCTUnwrap(Self.shared).get() }
    }

    private func tensor(_ values: [Float], _ shape: Shape? = nil, label: String = "test") throws -> Tensor {
        let tensor = try engine.makeTensor(shape ?? Shape(values.count), label: label)
        try values.withUnsafeBufferPointer { try engine.upload($0, to: tensor) }
        return tensor
    }

    func testDevicesListAtLeastOneDeviceWithSaneFields() throws {
        let devices = try OpenCLEngine.devices()
        XCTAssertFalse(devices.isEmpty)
        for (index, device) in devices.enumerated() {
            XCTAssertEqual(device.index, index)
            XCTAssertFalse(device.name.isEmpty)
            XCTAssertFalse(device.platformName.isEmpty)
            XCTAssertFalse(device.platformVersion.isEmpty)
            XCTAssertGreaterThan(device.computeUnits, 0)
            XCTAssertGreaterThan(device.globalMemoryBytes, 1 << 20)
            XCTAssertGreaterThan(device.localMemoryBytes, 0)
            XCTAssertGreaterThan(device.maxAllocationBytes, 0)
            XCTAssertGreaterThan(device.maxWorkGroupSize, 0)
            XCTAssertTrue(device.openCLCVersion.hasPrefix("OpenCL C"), device.openCLCVersion)
            XCTAssertTrue(device.description.hasPrefix("opencl:\(index) ("), device.description)
        }
        XCTAssertEqual(OpenCLEngine.preferredDeviceIndex(), devices.first { $0.type == .gpu }?.index)
    }

    func testEngineNameNamesDeviceAndPlatform() throws {
        let device = try XCTUnwrap(OpenCLEngine.devices().first)
        XCTAssertEqual(try engine.name, "opencl:0 (\(device.name), \(device.platformName))")
    }

    func testMissingDeviceNamesTheDevicesFound() throws {
        let devices = try OpenCLEngine.devices()
        XCTAssertThrowsError(try OpenCLEngine(deviceIndex: 7)) { error in
            guard case let .noSuchDevice(message) = error as? EngineError else {
                return XCTFail("expected noSuchDevice, got \(error)")
            }
            XCTAssertTrue(message.hasPrefix("no OpenCL device opencl:7; \(devices.count) device"), message)
            XCTAssertTrue(message.contains("opencl:0 (\(devices[0].name)"), message)
        }
    }

    func testBuildErrorCarriesTheCompilerLog() throws {
        let source = "__kernel void broken(__global float* x) { x[0] = undeclared_name; }"
        XCTAssertThrowsError(try engine.compileProgram(source: source, name: "broken.cl")) { error in
            guard case let .buildFailed(program, log) = error as? EngineError else {
                return XCTFail("expected buildFailed, got \(error)")
            }
            XCTAssertEqual(program, "broken.cl")
            XCTAssertTrue(log.contains("undeclared_name"), log)
        }
        let good = try engine.compileProgram(source: "__kernel void fine(__global float* x) { x[0] = 1.0f; }",
                                             name: "fine.cl")
        XCTAssertEqual(good.kernelNames, ["fine"])
    }

    func testUploadDownloadRoundTripCountsEveryTransfer() throws {
        let engine = try engine
        let before = engine.transfers
        let values = (0..<1031).map { Float($0) * 0.5 - 7 }
        let tensor = try tensor(values, Shape(1031))
        XCTAssertEqual(try engine.download(tensor), values)
        let after = engine.transfers
        XCTAssertEqual(after.uploads - before.uploads, 1)
        XCTAssertEqual(after.downloads - before.downloads, 1)
        XCTAssertEqual(after.bytesUploaded - before.bytesUploaded, 1031 * 4)
        XCTAssertEqual(after.bytesDownloaded - before.bytesDownloaded, 1031 * 4)
    }

    func testFillAndCopyStayOnTheDevice() throws {
        let engine = try engine
        let source = try engine.makeTensor(Shape(3, 333), label: "source")
        let destination = try engine.makeTensor(Shape(999), label: "destination")
        let before = engine.transfers
        try engine.fill(source, with: 2.5)
        try engine.copy(source, to: destination)
        XCTAssertEqual(engine.transfers, before)
        XCTAssertEqual(try engine.download(destination), [Float](repeating: 2.5, count: 999))
    }

    func testUploadOfTheWrongCountIsRejected() throws {
        let tensor = try engine.makeTensor(Shape(4), label: "four")
        XCTAssertThrowsError(try [Float](repeating: 1, count: 5).withUnsafeBufferPointer {
            try engine.upload($0, to: tensor)
        })
    }

    func testTooSmallTensorIsRejectedBeforeTheKernelRuns() throws {
        let small = try engine.makeTensor(Shape(3), label: "small")
        let large = try engine.makeTensor(Shape(8), label: "large")
        XCTAssertThrowsError(try engine.multiply(small, small, into: large)) { error in
            guard case let .invalidArgument(message) = error as? EngineError else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
            XCTAssertTrue(message.contains("small holds 3 floats"), message)
        }
    }

    func testAllocationPastTheDeviceLimitIsOutOfMemory() throws {
        let engine = try engine
        let floats = engine.device.maxAllocationBytes / 4 + 1
        XCTAssertThrowsError(try engine.makeTensor(Shape(floats), label: "huge")) { error in
            XCTAssertEqual(error as? EngineError,
                           .outOfMemory(tensor: "huge", bytes: floats * 4, device: engine.name))
        }
    }

    func testGemmMatchesNaiveLoopWithTransposesOffsetsAndBeta() throws {
        let engine = try engine
        let (m, n, k) = (17, 9, 33)
        var generator = OpenCLTestInputs(seed: 7)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let lda = (transposeA ? m : k) + 3
                let ldb = (transposeB ? k : n) + 1
                let ldc = n + 2
                let a = (0..<(5 + (transposeA ? k : m) * lda)).map { _ in generator.nextFloat() }
                let b = (0..<(2 + (transposeB ? n : k) * ldb)).map { _ in generator.nextFloat() }
                let c = (0..<(4 + m * ldc)).map { _ in generator.nextFloat() }
                let result = try tensor(c)
                try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                                a: try tensor(a), aOffset: 5, lda: lda, b: try tensor(b), bOffset: 2, ldb: ldb,
                                beta: 0.5, c: result, cOffset: 4, ldc: ldc)
                let got = try engine.download(result)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum: Double = 0
                        for p in 0..<k {
                            let x = a[5 + (transposeA ? p * lda + i : i * lda + p)]
                            let y = b[2 + (transposeB ? j * ldb + p : p * ldb + j)]
                            sum += Double(x) * Double(y)
                        }
                        let expected = Float(0.75 * sum) + 0.5 * c[4 + i * ldc + j]
                        XCTAssertEqual(got[4 + i * ldc + j], expected, accuracy: 1e-4,
                                       "A\(transposeA ? "ᵀ" : "")·B\(transposeB ? "ᵀ" : "") at (\(i), \(j))")
                    }
                    for j in n..<ldc where 4 + i * ldc + j < got.count {
                        XCTAssertEqual(got[4 + i * ldc + j], c[4 + i * ldc + j], "padding column changed")
                    }
                }
            }
        }
    }

    func testGemmWithBetaZeroOverwritesNaN() throws {
        let engine = try engine
        let a = try tensor([1, 2, 3, 4, 5, 6])
        let b = try tensor([1, 0, 0, 1, 1, 1])
        let c = try tensor([Float](repeating: .nan, count: 4))
        try engine.gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1, a: a, aOffset: 0, lda: 3,
                        b: b, bOffset: 0, ldb: 2, beta: 0, c: c, cOffset: 0, ldc: 2)
        XCTAssertEqual(try engine.download(c), [4, 5, 10, 11])
    }

    func testGemmStatusIsNamed() throws {
        let a = try tensor([1, 2, 3, 4])
        XCTAssertThrowsError(try engine.gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1,
                                             a: a, aOffset: 0, lda: 1, b: a, bOffset: 0, ldb: 2,
                                             beta: 0, c: a, cOffset: 0, ldc: 2)) { error in
            guard case let .callFailed(call, status) = error as? EngineError else {
                return XCTFail("expected callFailed, got \(error)")
            }
            XCTAssertTrue(call.hasPrefix("CLBlastSgemm"), call)
            XCTAssertEqual(status, "CLBlastInvalidLeadDimA (-1016)")
        }
    }

    func testDropoutMaskMatchesDropoutHashBitForBit() throws {
        let engine = try engine
        let count = 4099
        let mask = try engine.makeTensor(Shape(count), label: "mask")
        let seed: UInt64 = 0xDEAD_BEEF_0123_4567
        try engine.dropoutMask(mask, rate: 0.3, seed: seed)
        let got = try engine.download(mask)
        let keep: Float = 1 / (1 - 0.3)
        let expected = (0..<count).map { DropoutHash.uniform(seed: seed, index: UInt64($0)) >= 0.3 ? keep : 0 }
        XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertTrue(got.contains(0) && got.contains(keep))
    }

    func testSumOfSquaresReducesOnTheDeviceAndPropagatesNaN() throws {
        let engine = try engine
        let values = (0..<70_001).map { Float($0 % 7) - 3 }
        let input = try tensor(values)
        let before = engine.transfers
        let expected = values.reduce(0) { $0 + Double($1 * $1) }
        XCTAssertEqual(Double(try engine.sumOfSquares(input)), expected, accuracy: expected * 1e-5)
        XCTAssertEqual(engine.transfers.bytesDownloaded - before.bytesDownloaded, 4)
        XCTAssertTrue(try engine.sumOfSquares(tensor([1, .nan, 2])).isNaN)
    }
}

/// Deterministic inputs for the OpenCL tests, drawn from `DropoutHash`.
struct OpenCLTestInputs {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A float in `[-1, 1)`.
    mutating func nextFloat() -> Float {
        state &+= 1
        return DropoutHash.uniform(seed: 0x1234_5678, index: state) * 2 - 1
    }

    /// `count` floats in `[-scale, scale)`.
    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in nextFloat() * scale }
    }
}

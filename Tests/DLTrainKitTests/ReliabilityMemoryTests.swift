import CPUEngine
import OpenCLEngine
import Engine
import Foundation
import XCTest
@testable import DLTrainKit

/// No leaks: resident memory stays flat over many epochs, and tearing a run down releases every tensor.
final class ReliabilityMemoryTests: XCTestCase {
    /// Resident set size of this process in bytes, from `/proc/self/statm`.
    private func residentBytes() throws -> Int {
        let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        return try XCTUnwrap(Int(fields[1])) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testResidentMemoryIsFlatOverThirtyEpochs() throws {
        let data = try ReliabilityFixture.makeData()
        let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 30)
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine())
        let observer = RecordingObserver()
        var resident: [Int] = []
        observer.onEpoch = { _ in resident.append(try self.residentBytes()) }
        try trainer.run(observer: observer)
        XCTAssertEqual(resident.count, 30)
        // Epochs 1–5 warm up (cache filled, buffers sized, allocator arenas grown); after that each epoch
        // repeats the same work, so growth over 25 epochs means something is kept per epoch or per step.
        let growth = resident[29] - resident[4]
        XCTAssertLessThan(growth, 2 << 20, "RSS grew \(growth) bytes from epoch 5 to 30: \(resident)")
    }

    func testTearingDownARunReleasesTheEngineAndEveryTensor() throws {
        try assertTeardownReleasesEverything { CPUEngine(threads: 2) }
    }

    /// OpenCL tensors release their `cl_mem` in `deinit`, the engine its context and queue: freed objects prove it.
    func testTearingDownAnOpenCLRunReleasesTheEngineAndEveryDeviceBuffer() throws {
        try assertTeardownReleasesEverything { try OpenCLEngine() }
    }

    private func assertTeardownReleasesEverything(_ makeEngine: () throws -> ComputeEngine,
                                                  file: StaticString = #filePath, line: UInt = #line) throws {
        weak var engine: AnyObject?
        weak var network: Network?
        var tensors: [WeakTensor] = []
        try autoreleasepool {
            let made = try makeEngine()
            engine = made
            let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(),
                                                       output: ReliabilityFixture.makeOutput(), epochs: 1)
            let trainer = try Trainer(config: config, engine: made)
            try trainer.run()
            network = trainer.network
            let parameters = trainer.network.parameters
            tensors = (parameters.map(\.value) + parameters.map(\.gradient)
                       + trainer.network.namedTensors.map(\.tensor) + trainer.optimizer.namedState.map(\.tensor)
                       + [trainer.network.lastLogits].compactMap { $0 }).map(WeakTensor.init)
        }
        XCTAssertGreaterThan(tensors.count, 20, file: file, line: line)
        XCTAssertNil(engine, "the engine outlived its trainer", file: file, line: line)
        XCTAssertNil(network, "the network outlived its trainer", file: file, line: line)
        XCTAssertEqual(tensors.filter { $0.tensor != nil }.count, 0, "tensors still alive after teardown",
                       file: file, line: line)
    }
}

/// A weak reference to a tensor, to see whether it was freed.
struct WeakTensor {
    weak var tensor: AnyObject?
    init(_ tensor: Tensor) { self.tensor = tensor }
}

/// Runs `body` (Linux has no autorelease pool; this just scopes the locals).
private func autoreleasepool(_ body: () throws -> Void) rethrows { try body() }

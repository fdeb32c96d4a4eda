import Foundation
import XCTest
@testable import DLTrainKit

/// SIGINT/SIGTERM handling: the first signal raises the stop request, a second exits at once; a raised request
/// stops training after the current step with an `interrupted` checkpoint.
final class ReliabilityInterruptTests: XCTestCase {
    func testFirstSignalRequestsAStopAndASecondExitsAtOnce() throws {
        let request = StopRequest()
        let first = expectation(description: "first signal")
        let exit = expectation(description: "second signal exits")
        let signals = InterruptSignals(request: request, onFirst: { number in
            XCTAssertEqual(number, SIGTERM)
            first.fulfill()
        }, exitNow: { exit.fulfill() })
        raise(SIGTERM)
        wait(for: [first], timeout: 5)
        XCTAssertTrue(request.isRequested)
        raise(SIGINT)
        wait(for: [exit], timeout: 5)
        withExtendedLifetime(signals) {}
    }

    func testAStopRequestWritesAnInterruptedCheckpointAfterTheCurrentStep() throws {
        let output = ReliabilityFixture.makeOutput()
        let request = StopRequest()
        let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(), output: output, epochs: 3)
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                  options: .init(stopRequest: request))
        let observer = RecordingObserver()
        observer.onStep = { if $0 == 2 { request.request() } }
        XCTAssertThrowsError(try trainer.run(observer: observer)) { error in
            let path = CheckpointDirectory(runDirectory: output).interruptedURL.path
            XCTAssertEqual(error as? TrainingError, .interrupted(checkpoint: path, epoch: 1, batch: 2, batchCount: 5))
        }
        XCTAssertEqual(observer.steps.count, 2, "no step after the request")
        let checkpoint = try Checkpoint.load(from: CheckpointDirectory(runDirectory: output).interruptedURL)
        XCTAssertEqual(checkpoint.metadata.epoch, 0)
        XCTAssertEqual(checkpoint.metadata.step, 2)
        XCTAssertEqual(checkpoint.metadata.progress?.batches, 2)
        XCTAssertEqual(checkpoint.metadata.progress?.seen, 10)
    }

    func testAStopRequestedInTheLastBatchStopsAtTheEpochBoundary() throws {
        let output = ReliabilityFixture.makeOutput()
        let request = StopRequest()
        let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(), output: output, epochs: 3)
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                  options: .init(stopRequest: request))
        let observer = RecordingObserver()
        observer.onStep = { if $0 == 5 { request.request() } }
        XCTAssertThrowsError(try trainer.run(observer: observer)) { error in
            guard case TrainingError.interrupted(_, 2, 0, 5) = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(observer.epochs.count, 1)
        let checkpoint = try Checkpoint.load(from: CheckpointDirectory(runDirectory: output).interruptedURL)
        XCTAssertEqual(checkpoint.metadata.epoch, 1)
        XCTAssertNil(checkpoint.metadata.progress)
    }
}

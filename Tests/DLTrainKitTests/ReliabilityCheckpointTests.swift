import Foundation
import XCTest
@testable import DLTrainKit

/// Hostile checkpoints through `--resume` (`Trainer`) and `eval` (`CheckpointEvaluation`): each gives one
/// line naming the file, never a crash or an allocation sized by the attacker.
final class ReliabilityCheckpointTests: XCTestCase {
    nonisolated(unsafe) private static var fixture: (data: URL, checkpoint: Data)?

    /// A data set and a real checkpoint trained on it for one epoch, made once.
    private func fixture() throws -> (data: URL, checkpoint: Data) {
        if let fixture = Self.fixture { return fixture }
        let data = try ReliabilityFixture.makeData()
        let output = ReliabilityFixture.makeOutput()
        try Trainer(config: ReliabilityFixture.config(data: data, output: output, epochs: 1),
                    engine: ReliabilityFixture.engine()).run()
        let made = (data, try Data(contentsOf: CheckpointDirectory(runDirectory: output).lastURL))
        Self.fixture = made
        return made
    }

    /// The checkpoint with its JSON header text edited by `edit` (the length prefix is rewritten to match).
    private func editingHeader(_ bytes: Data, _ edit: (String) -> String) -> Data {
        let length = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = Data(edit(String(decoding: bytes[8..<8 + length], as: UTF8.self)).utf8)
        var prefix = Data(count: 8)
        for index in 0..<8 { prefix[index] = UInt8(truncatingIfNeeded: header.count >> (8 * index)) }
        return prefix + header + bytes[(8 + length)...]
    }

    /// Hostile variants of a good checkpoint, each with a phrase its error must contain.
    private func hostileFiles(_ good: Data) -> [(name: String, bytes: Data, phrase: String)] {
        var lengthPastEnd = good
        lengthPastEnd.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0x00, 0x00, 0, 0, 0, 0])
        var hugeHeader = good
        hugeHeader.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 0, 0, 0x7F])
        let firstOffsets = "\"data_offsets\":[0,"
        return [
            ("empty", Data(), "not a safetensors file"),
            ("truncated-header", good.prefix(20), "past the end"),
            ("truncated-half", good.prefix(good.count / 2), "more bytes than the file holds"),
            ("truncated-data", good.dropLast(4), "data section"),
            ("length-past-end", lengthPastEnd, "past the end"),
            ("huge-header", hugeHeader, "over the limit"),
            ("not-json", editingHeader(good) { "x" + $0.dropFirst() }, "not valid JSON"),
            ("wrong-dtype", editingHeader(good) { $0.replacingOccurrences(of: "\"F32\"", with: "\"F16\"") }, "F16"),
            ("overlapping", editingHeader(good) { header in
                let shifted = header.replacingOccurrences(of: firstOffsets, with: "\"data_offsets\":[4,")
                return shifted
            }, "data_offsets"),
            ("out-of-range", editingHeader(good) {
                $0.replacingOccurrences(of: firstOffsets, with: "\"data_offsets\":[99999999999,")
            }, "data_offsets"),
            ("huge-shape", editingHeader(good) {
                $0.replacingOccurrences(of: "\"shape\":[", with: "\"shape\":[4294967296,")
            }, "shape"),
            ("not-dltrain", editingHeader(good) { $0.replacingOccurrences(of: "dltrain-checkpoint/1", with: "other") },
             "unsupported checkpoint format"),
            ("bad-config", editingHeader(good) { $0.replacingOccurrences(of: "\\\"batchnorm\\\"", with: "\\\"batchnorn\\\"") },
             "embedded config is invalid"),
            ("bad-progress", editingHeader(good) {
                $0.replacingOccurrences(of: "\"format\":", with: "\"epoch_progress\":\"{\\\"batches\\\":-3}\",\"format\":")
            }, "epoch_progress"),
        ]
    }

    func testHostileCheckpointsAreRefusedByResumeAndEvalWithOneLine() throws {
        let (data, good) = try fixture()
        let folder = try DataFolderFixture.makeRoot()
        let files = hostileFiles(good)
        for (name, bytes, phrase) in files {
            let url = folder.appendingPathComponent("\(name).safetensors")
            try bytes.write(to: url)
            let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 3)
            let attempts: [() throws -> Void] = [
                { _ = try Trainer(config: config, engine: ReliabilityFixture.engine(), options: .init(resume: url)) },
                { _ = try CheckpointEvaluation(checkpoint: url, dataFolder: data.path, engine: ReliabilityFixture.engine()) },
            ]
            for attempt in attempts {
                XCTAssertThrowsError(try attempt(), name) { error in
                    let text = "\(error)"
                    XCTAssertTrue(text.contains(url.path), "\(name): \(text)")
                    XCTAssertTrue(text.contains(phrase), "\(name): \(text)")
                    XCTAssertFalse(text.contains("\n"), "\(name): \(text)")
                }
            }
        }
        XCTAssertEqual(files.count, 14)
    }

    func testCheckpointsThatDisagreeWithTheConfigOrHoldNaNAreRefused() throws {
        let (data, good) = try fixture()
        let folder = try DataFolderFixture.makeRoot()
        let reshaped = editingHeader(good) {
            $0.replacingOccurrences(of: "\"shape\":[4,1,3,3]", with: "\"shape\":[2,2,3,3]")
        }
        var nan = good
        nan.replaceSubrange(nan.count - 4..<nan.count, with: [0x00, 0x00, 0xC0, 0x7F])
        for (name, bytes, phrase) in [("reshaped", reshaped, "has shape [2, 2, 3, 3], the network expects [4, 1, 3, 3]"),
                                      ("nan", nan, "NaN or infinite")] {
            let url = folder.appendingPathComponent("\(name).safetensors")
            try bytes.write(to: url)
            XCTAssertNoThrow(try Checkpoint.load(from: url), name)
            let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 3)
            XCTAssertThrowsError(try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                             options: .init(resume: url))) { error in
                XCTAssertTrue("\(error)".contains(phrase), "\(name): \(error)")
            }
        }
        let bigger = ReliabilityFixture.configText(data: data, output: ReliabilityFixture.makeOutput(), epochs: 3)
            .replacingOccurrences(of: "\"units\": 8", with: "\"units\": 9")
        let url = folder.appendingPathComponent("good.safetensors")
        try good.write(to: url)
        XCTAssertThrowsError(try Trainer(config: Config(jsonData: Data(bigger.utf8)), engine: ReliabilityFixture.engine(),
                                         options: .init(resume: url))) { error in
            XCTAssertTrue("\(error)".contains("network[3].units is 9 here, 8 in the checkpoint"), "\(error)")
        }
        XCTAssertThrowsError(try Trainer(config: ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 1),
                                         engine: ReliabilityFixture.engine(), options: .init(resume: url))) { error in
            XCTAssertEqual(error as? TrainingError, .nothingToResume(path: url.path, epoch: 1))
        }
    }

    func testRandomlyDamagedCheckpointsNeverCrash() throws {
        let (data, good) = try fixture()
        let folder = try DataFolderFixture.makeRoot()
        var random = SplitMix(seed: 11)
        var refused = 0
        for trial in 0..<300 {
            var bytes = [UInt8](good)
            for _ in 0...random.below(4) {
                let position = random.below(8) < 6 ? random.below(min(bytes.count, 2048)) : random.below(bytes.count)
                bytes[position] = UInt8(random.below(256))
            }
            let url = folder.appendingPathComponent("damaged-\(trial).safetensors")
            try Data(bytes).write(to: url)
            do {
                _ = try CheckpointEvaluation(checkpoint: url, dataFolder: data.path, engine: ReliabilityFixture.engine())
            } catch {
                refused += 1
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
        XCTAssertGreaterThan(refused, 100)
    }
}

/// SplitMix64 for seeded damage.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func below(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

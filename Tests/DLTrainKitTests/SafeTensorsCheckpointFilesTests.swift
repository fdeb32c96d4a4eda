import XCTest
@testable import DLTrainKit

/// Atomic writes and the checkpoint folder's naming and pruning.
final class SafeTensorsCheckpointFilesTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dltrain-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func names(in url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func testAtomicWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let target = folder.appendingPathComponent("last.safetensors")
        try AtomicFile.write(Data("old".utf8), to: target)
        try AtomicFile.write(Data("new contents".utf8), to: target)
        XCTAssertEqual(try Data(contentsOf: target), Data("new contents".utf8))
        XCTAssertEqual(try names(in: folder), ["last.safetensors"])
    }

    func testFailedAtomicWriteReportsTheFileAndLeavesNothing() throws {
        let target = folder.appendingPathComponent("missing/last.safetensors")
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: target)) { error in
            let expected = folder.appendingPathComponent("missing/.last.safetensors.tmp-\(getpid())").path
            XCTAssertEqual("\(error)", "\(expected): open failed: No such file or directory")
        }
        XCTAssertEqual(try names(in: folder), [])
    }

    func testCheckpointNames() {
        let directory = CheckpointDirectory(runDirectory: URL(fileURLWithPath: "/runs/t"))
        XCTAssertEqual(directory.url.path, "/runs/t/checkpoints")
        XCTAssertEqual(directory.epochURL(3).lastPathComponent, "epoch-0003.safetensors")
        XCTAssertEqual(directory.epochURL(12345).lastPathComponent, "epoch-12345.safetensors")
        XCTAssertEqual(directory.lastURL.lastPathComponent, "last.safetensors")
        XCTAssertEqual(directory.bestURL.lastPathComponent, "best.safetensors")
        XCTAssertNil(CheckpointDirectory.epoch(inFileName: ".epoch-0003.safetensors.tmp-12"))
        XCTAssertNil(CheckpointDirectory.epoch(inFileName: "epoch-.safetensors"))
        XCTAssertNil(CheckpointDirectory.epoch(inFileName: "epoch-00x3.safetensors"))
        XCTAssertEqual(CheckpointDirectory.epoch(inFileName: "epoch-0010.safetensors"), 10)
    }

    func testPruneKeepsTheNewestEpochsAndIgnoresEverythingElse() throws {
        let directory = CheckpointDirectory(runDirectory: folder)
        try directory.create()
        for epoch in [1, 2, 3, 10, 11] { try AtomicFile.write(Data(), to: directory.epochURL(epoch)) }
        let others = ["last.safetensors", "best.safetensors", ".epoch-0012.safetensors.tmp-7", "epoch-x.safetensors", "notes.txt"]
        for name in others { try Data().write(to: directory.url.appendingPathComponent(name)) }

        let deleted = try directory.prune(keepLast: 2)
        XCTAssertEqual(deleted.map(\.lastPathComponent), ["epoch-0001.safetensors", "epoch-0002.safetensors", "epoch-0003.safetensors"])
        XCTAssertEqual(try names(in: directory.url), (others + ["epoch-0010.safetensors", "epoch-0011.safetensors"]).sorted())
        try directory.prune(keepLast: 0)
        XCTAssertEqual(try names(in: directory.url), others.sorted())
    }

    func testWrittenCheckpointReadsBack() throws {
        let url = folder.appendingPathComponent("epoch-0001.safetensors")
        let original = SafeTensorsFile(tensors: [NamedTensor(name: "w", shape: [3], values: [1, 2, 3])], metadata: ["epoch": "1"])
        try AtomicFile.write(original.encoded(), to: url)
        XCTAssertEqual(try SafeTensorsFile.read(from: url), original)
    }

    /// The two usual wrong arguments: a run folder (its best and last checkpoints named) and a config file.
    func testAFolderOrAConfigIsNamedForWhatItIs() throws {
        let run = TemporaryFolders.path("dltrain-wrong-file")
        try FileManager.default.createDirectory(at: run.appendingPathComponent("checkpoints"),
                                                withIntermediateDirectories: true)
        func message(_ url: URL) -> String {
            do {
                _ = try SafeTensorsFile.read(from: url)
                return "read"
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(message(run), "is a folder, not a checkpoint file")
        let best = run.appendingPathComponent("checkpoints/best.safetensors")
        try AtomicFile.write(SafeTensorsFile(tensors: [NamedTensor(name: "w", shape: [1], values: [1])]).encoded(),
                             to: best)
        XCTAssertEqual(message(run), "is a folder, not a checkpoint file; its checkpoints: \(best.path)")
        let last = run.appendingPathComponent("checkpoints/last.safetensors")
        try FileManager.default.copyItem(at: best, to: last)
        XCTAssertEqual(message(run.appendingPathComponent("checkpoints")),
                       "is a folder, not a checkpoint file; its checkpoints: \(best.path), \(last.path)")
        let config = run.appendingPathComponent("config.json")
        try Data(" {\n  \"name\": \"quickstart\"\n}\n".utf8).write(to: config)
        XCTAssertEqual(message(config), "not a safetensors checkpoint: the file holds JSON (a config?)")
    }
}

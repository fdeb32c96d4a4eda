import CPUEngine
import Engine
import Foundation
import OpenCLEngine
import XCTest
@testable import DLTrainKit

/// `compare-devices` on a small config: both engines measured with sensible numbers, agreeing within tolerance;
/// the JSON document's keys; and a CPU-only run that says why OpenCL is missing.
final class DeviceComparisonTests: XCTestCase {
    private let options = DeviceComparison.Options(iterations: 2, warmupIterations: 1)
    private var trainFolder: URL!

    /// A training folder of 3 classes × 4 (empty) images: compare-devices only counts them.
    override func setUpWithError() throws {
        trainFolder = FileManager.default.temporaryDirectory
            .appendingPathComponent("dltrain-compare-\(UUID().uuidString)", isDirectory: true)
        for name in ["a", "b", "c"] {
            let folder = trainFolder.appendingPathComponent(name, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for index in 0..<4 {
                _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("\(index).png").path,
                                               contents: Data())
            }
        }
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: trainFolder)
    }

    private func compare(_ engines: [ComputeEngine], unavailable: [String: String] = [:]) throws
        -> (ComparisonReport, NetworkPlan) {
        let config = try SmallNetConfig.make(train: trainFolder.path)
        let report = try DeviceComparison(config: config, options: options).run(engines: engines,
                                                                               unavailable: unavailable)
        return (report, try config.networkPlan())
    }

    func testBothEnginesAreMeasuredAndAgree() throws {
        let cpu = CPUEngine(threads: 2)
        let opencl = try OpenCLEngine()
        let (report, plan) = try compare([cpu, opencl])
        XCTAssertEqual(report.engines.map(\.engine), [cpu.name, opencl.name])
        XCTAssertEqual(report.batch, 5)
        XCTAssertEqual(report.trainingImages, 12)
        XCTAssertTrue(report.unavailable.isEmpty)
        for result in report.engines {
            XCTAssertGreaterThan(result.trainStepMilliseconds, 0, result.engine)
            XCTAssertEqual(result.trainImagesPerSecond, 5000 / result.trainStepMilliseconds, accuracy: 1e-6)
            XCTAssertGreaterThan(result.inferenceImagesPerSecond, 0, result.engine)
            // ⌈12 / 5⌉ steps × 2 epochs.
            let projected = try XCTUnwrap(result.projectedTrainingSeconds, result.engine)
            XCTAssertEqual(projected, 6 * result.trainStepMilliseconds / 1000, accuracy: 1e-9)
            XCTAssertEqual(result.layers.map(\.name), plan.layers.map(\.name))
            XCTAssertEqual(result.layers.map(\.forwardBytes), plan.layers.map { $0.forwardBytes(batch: 5) })
            XCTAssertEqual(result.layers.map(\.backwardBytes),
                           plan.layers.map { $0.backwardBytes(batch: 5, firstTrainable: plan.firstTrainableIndex) })
            XCTAssertEqual(result.layers.map(\.type), ["conv", "batchnorm", "maxpool", "conv", "avgpool", "dense",
                                                       "dropout", "dense"])
            for layer in result.layers {
                XCTAssertGreaterThanOrEqual(layer.forwardMilliseconds, 0, layer.name)
                XCTAssertGreaterThanOrEqual(layer.backwardMilliseconds, 0, layer.name)
            }
            XCTAssertGreaterThan(result.layers.reduce(0) { $0 + $1.forwardMilliseconds + $1.backwardMilliseconds },
                                 0, result.engine)
            for (index, layer) in result.layers.enumerated() where layer.type == "conv" || layer.type == "dense" {
                XCTAssertGreaterThan(layer.forwardFLOPs, 0, layer.name)
                // Two GEMMs backward (weights, input), one for the first layer (no input gradient).
                XCTAssertEqual(layer.backwardFLOPs, layer.forwardFLOPs * (index == 0 ? 1 : 2), layer.name)
                XCTAssertGreaterThan(layer.gigaFLOPsPerSecond, 0, layer.name)
            }
        }
        // conv1: 5 filters × 3·3·3 weights × 9·9 outputs × 2 FLOPs × batch 5.
        XCTAssertEqual(report.engines[0].layers[0].forwardFLOPs, Double(5 * 27 * 81 * 2 * 5))
        XCTAssertEqual(report.engines[0].speedup, 1)
        XCTAssertNil(report.engines[0].agreement)
        XCTAssertEqual(report.engines[1].speedup,
                       report.engines[1].trainImagesPerSecond / report.engines[0].trainImagesPerSecond,
                       accuracy: 1e-9)
        let agreement = try XCTUnwrap(report.engines[1].agreement)
        XCTAssertEqual(Set(agreement.gradients.keys), Set(["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias",
                                                           "conv2.weight", "conv2.bias", "dense1.weight",
                                                           "dense1.bias", "dense2.weight", "dense2.bias"]))
        XCTAssertTrue(agreement.withinTolerance, "worst relative difference \(agreement.worst): \(agreement)")
        XCTAssertLessThanOrEqual(agreement.worst, 1e-3)

        let table = report.table()
        XCTAssertTrue(table.contains("[0] \(cpu.name)"), table)
        XCTAssertTrue(table.contains("[1] \(opencl.name)"), table)
        XCTAssertTrue(table.contains(" ok"), table)
    }

    func testJSONHasTheDocumentedKeys() throws {
        let (report, _) = try compare([CPUEngine(threads: 2), try OpenCLEngine()])
        let data = try JSONEncoder().encode(report)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(document.keys), ["config", "batch", "warmup_iterations", "iterations", "training_images",
                                            "epochs", "engines", "unavailable"])
        XCTAssertEqual(document["config"] as? String, "small")
        XCTAssertEqual(document["training_images"] as? Int, 12)
        let engines = try XCTUnwrap(document["engines"] as? [[String: Any]])
        XCTAssertEqual(engines.count, 2)
        let engineKeys: Set = ["engine", "train_step_ms", "train_images_per_second", "inference_images_per_second",
                               "speedup", "projected_training_seconds", "layers"]
        XCTAssertEqual(Set(engines[0].keys), engineKeys, "the baseline has no agreement")
        XCTAssertEqual(Set(engines[1].keys), engineKeys.union(["agreement"]))
        let layers = try XCTUnwrap(engines[1]["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 8)
        for layer in layers {
            XCTAssertEqual(Set(layer.keys), ["name", "type", "forward_flops", "backward_flops", "forward_bytes",
                                             "backward_bytes", "forward_ms", "backward_ms", "gflops_per_second"])
        }
        let agreement = try XCTUnwrap(engines[1]["agreement"] as? [String: Any])
        XCTAssertEqual(Set(agreement.keys), ["logits", "loss", "gradients", "tolerance", "worst", "worst_tensor",
                                                  "within_tolerance", "max_pool_ties", "explained_by_max_pool_ties",
                                                  "agrees"])
        XCTAssertEqual(agreement["within_tolerance"] as? Bool, true)
        XCTAssertTrue(agreement["max_pool_ties"] is NSNull, "no second pass where the engines agree")
        XCTAssertEqual(agreement["explained_by_max_pool_ties"] as? Bool, false)
        XCTAssertEqual(agreement["agrees"] as? Bool, true)
        XCTAssertEqual((agreement["gradients"] as? [String: Double])?.count, 10)
    }

    func testCPUOnlyRunSaysWhyOpenCLIsMissing() throws {
        let reason = "no OpenCL platform found (is an ICD such as pocl-opencl-icd installed?)"
        let (report, _) = try compare([CPUEngine(threads: 2)], unavailable: ["opencl:0": reason])
        XCTAssertEqual(report.engines.count, 1)
        XCTAssertNil(report.engines[0].agreement)
        XCTAssertGreaterThan(report.engines[0].trainImagesPerSecond, 0)
        XCTAssertEqual(report.unavailable, ["opencl:0": reason])
        let table = report.table()
        XCTAssertTrue(table.contains("not measured: opencl:0: \(reason)"), table)
        XCTAssertTrue(table.contains("baseline"), table)
        let document = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any]
        XCTAssertEqual(document?["unavailable"] as? [String: String], ["opencl:0": reason])
    }
}

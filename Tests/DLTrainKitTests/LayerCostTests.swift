import Foundation
import XCTest
@testable import DLTrainKit

/// The FLOPs and bytes compare-devices reports per layer, worked out by hand in floats for the small net (batch
/// 5; input 3×9×9 → conv1 5×9×9 + ReLU → bn1 → maxpool 5×4×4 → conv2 6×2×2 + tanh → avgpool 6 → dense1 17 + ReLU →
/// dropout → dense2 3), for a net that starts with a pool and a flatten before its first layer with parameters and
/// for one that starts with batch norm.
final class LayerCostTests: XCTestCase {
    func testEachLayerKindCountsTheTensorsItsPassesTouch() throws {
        let plan = try SmallNetConfig.make().networkPlan()
        let layers = plan.layers
        XCTAssertEqual(plan.firstTrainableIndex, 0)
        func floats(_ index: Int) -> [Int] {
            let layer = layers[index]
            return [Int(layer.forwardBytes(batch: 5)) / 4, Int(layer.backwardBytes(batch: 5, firstTrainable: 0)) / 4]
        }
        func expect(_ index: Int, _ forward: Int, _ backward: Int, line: UInt = #line) {
            XCTAssertEqual(floats(index), [forward, backward], layers[index].name, line: line)
        }
        // conv1, first: X 1215, 140 parameters, Y 2025; backward dY, X, dW and Y for the ReLU, no W and no dX.
        expect(0, 1215 + 140 + 2025, 2025 + 1215 + 140 + 2025)
        // bn1: backward reads dY, X and the scale, writes dX and the parameter gradients.
        expect(1, 2025 + 10 + 2025, 2025 + 2 * 2025 + 2 * 10)
        // maxpool: forward also writes the winning positions; backward reads dY and them, writes dX.
        expect(2, 2025 + 2 * 400, 2 * 400 + 2025)
        // conv2 with tanh: 276 parameters; backward adds W read and dX written.
        expect(3, 400 + 276 + 120, 120 + 400 + 276 + 120 + 276 + 400)
        // avgpool: backward reads dY and writes dX only.
        expect(4, 120 + 30, 30 + 120)
        // dense1 with ReLU, then dropout (mask written forward, read backward, dX in place).
        expect(5, 30 + 119 + 85, 85 + 30 + 119 + 85 + 119 + 30)
        expect(6, 85 + 2 * 85, 2 * 85 + 85)
        // dense2, linear: no Y read backward.
        expect(7, 85 + 54 + 15, 15 + 85 + 54 + 54 + 85)
        XCTAssertEqual(layers[0].backwardFLOPs(batch: 5, firstTrainable: 0), Double(layers[0].forwardFLOPs * 5))
        XCTAssertEqual(layers[5].backwardFLOPs(batch: 5, firstTrainable: 0), Double(2 * layers[5].forwardFLOPs * 5))
        XCTAssertEqual(layers[2].backwardFLOPs(batch: 5, firstTrainable: 0), Double(layers[2].forwardFLOPs * 5))
    }

    func testNothingMovesBackwardBelowTheFirstLayerWithParameters() throws {
        let json = """
            {
              "name": "flatten",
              "data": { "train": "/nonexistent", "input": { "width": 4, "height": 4, "channels": 1 } },
              "network": [ { "type": "maxpool", "size": 2 }, { "type": "flatten" }, { "type": "dense", "units": 3 } ],
              "training": { "epochs": 1, "batch_size": 2, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }
            }
            """
        let plan = try Config(jsonData: Data(json.utf8), file: "flatten test config").networkPlan()
        let (layers, first) = (plan.layers, plan.firstTrainableIndex)
        XCTAssertEqual(first, 2)
        XCTAssertEqual(layers[0].forwardBytes(batch: 2), 4 * Double(2 * 16 + 2 * 2 * 4))
        XCTAssertEqual(layers[0].backwardBytes(batch: 2, firstTrainable: first), 0)
        XCTAssertEqual(layers[0].backwardFLOPs(batch: 2, firstTrainable: first), 0)
        XCTAssertEqual(layers[1].forwardBytes(batch: 2), 0)
        XCTAssertEqual(layers[1].backwardBytes(batch: 2, firstTrainable: first), 0)
        // The first layer with parameters: dY, X and dW only, its weight gradient's FLOPs alone.
        XCTAssertEqual(layers[2].forwardBytes(batch: 2), 4 * Double(2 * (4 + 3) + 15))
        XCTAssertEqual(layers[2].backwardBytes(batch: 2, firstTrainable: first), 4 * Double(2 * (3 + 4) + 15))
        XCTAssertEqual(layers[2].backwardFLOPs(batch: 2, firstTrainable: first), Double(2 * layers[2].forwardFLOPs))
    }

    /// Batch norm first writes no input gradient: dY and X read, the scale and parameter gradients as before.
    func testBatchNormFirstMovesNoInputGradient() throws {
        let json = """
            {
              "name": "batchnorm-first",
              "data": { "train": "/nonexistent", "input": { "width": 4, "height": 4, "channels": 1 } },
              "network": [ { "type": "batchnorm" }, { "type": "conv", "filters": 3, "size": 3 },
                           { "type": "flatten" }, { "type": "dense", "units": 3 } ],
              "training": { "epochs": 1, "batch_size": 2, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }
            }
            """
        let plan = try Config(jsonData: Data(json.utf8), file: "batchnorm test config").networkPlan()
        let (batchNorm, first) = (plan.layers[0], plan.firstTrainableIndex)
        XCTAssertEqual(first, 0)
        // 2 samples of 1×4×4: dY 32 and X 32 read, 2·2 parameter floats, no dX (bn1 of the small net writes it).
        XCTAssertEqual(batchNorm.backwardBytes(batch: 2, firstTrainable: first), 4 * Double(32 + 32 + 2 * 2))
        XCTAssertEqual(batchNorm.backwardFLOPs(batch: 2, firstTrainable: first), Double(2 * batchNorm.forwardFLOPs))
    }
}

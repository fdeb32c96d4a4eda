import Foundation
import XCTest
@testable import DLTrainKit

/// The FLOPs and the unavoidable bytes compare-devices reports per layer, worked out by hand for the small net
/// (batch 5; input 3×9×9 → conv1 5×9×9 → bn1 → pool 5×4×4 → conv2 6×2×2 → avgpool 6 → dense1 17 → dropout →
/// dense2 3).
final class LayerCostTests: XCTestCase {
    func testBytesCountEachTensorOnceAndTheFirstLayerHasNoInputGradient() throws {
        let layers = try SmallNetConfig.make().networkPlan().layers
        let batch = 5
        // conv1 (first): forward reads 243 inputs and 140 parameters and writes 405 outputs per sample; backward
        // reads dY and the input and writes the weight gradient, but no input gradient and no weights read.
        XCTAssertEqual(layers[0].forwardBytes(batch: batch), 4 * Double(5 * (243 + 405) + 140))
        XCTAssertEqual(layers[0].backwardBytes(batch: batch), 4 * Double(5 * (405 + 243) + 140))
        XCTAssertEqual(layers[0].backwardFLOPs(batch: batch), Double(layers[0].forwardFLOPs * batch))
        // bn1: 10 parameters; backward also writes dX and reads the scale and shift.
        XCTAssertEqual(layers[1].forwardBytes(batch: batch), 4 * Double(5 * 810 + 10))
        XCTAssertEqual(layers[1].backwardBytes(batch: batch), 4 * Double(5 * 810 + 10 + 5 * 405 + 10))
        // dense1: 6 → 17, 119 parameters; two products backward.
        XCTAssertEqual(layers[5].forwardBytes(batch: batch), 4 * Double(5 * (6 + 17) + 119))
        XCTAssertEqual(layers[5].backwardBytes(batch: batch), 4 * Double(5 * (17 + 6) + 119 + 5 * 6 + 119))
        XCTAssertEqual(layers[5].backwardFLOPs(batch: batch), Double(2 * layers[5].forwardFLOPs * batch))
        // dropout: no parameters.
        XCTAssertEqual(layers[6].forwardBytes(batch: batch), 4 * Double(5 * 34))
        XCTAssertEqual(layers[6].backwardBytes(batch: batch), 4 * Double(5 * 51))
        XCTAssertEqual(layers[6].backwardFLOPs(batch: batch), Double(layers[6].forwardFLOPs * batch))
    }

    func testFlattenMovesNothing() throws {
        let json = """
            {
              "name": "flatten",
              "data": { "train": "/nonexistent", "input": { "width": 4, "height": 4, "channels": 1 } },
              "network": [ { "type": "maxpool", "size": 2 }, { "type": "flatten" }, { "type": "dense", "units": 3 } ],
              "training": { "epochs": 1, "batch_size": 2, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }
            }
            """
        let layers = try Config(jsonData: Data(json.utf8), file: "flatten test config").networkPlan().layers
        XCTAssertEqual(layers[1].forwardBytes(batch: 2), 0)
        XCTAssertEqual(layers[1].backwardBytes(batch: 2), 0)
        XCTAssertEqual(layers[2].forwardBytes(batch: 2), 4 * Double(2 * (4 + 3) + 15))
    }
}

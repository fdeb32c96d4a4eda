import XCTest
@testable import DLTrainKit

/// Shape inference, parameter counts and FLOPs, checked against hand computation.
final class ConfigPlanTests: XCTestCase {
    private func plan(_ file: String) throws -> NetworkPlan {
        try Config.load(from: ConfigText.configsFolder.appendingPathComponent(file)).networkPlan()
    }

    func testFashionMNISTNet() throws {
        let plan = try plan("fashion-mnist.json")
        XCTAssertEqual(plan.layers.map(\.name), ["conv1", "pool1", "conv2", "pool2", "dense1", "dropout1", "dense2"])
        XCTAssertEqual(plan.layers.map(\.outputShape), [[32, 28, 28], [32, 14, 14], [64, 14, 14], [64, 7, 7], [1024], [1024], [10]])
        // conv1 32·1·25 + 32; conv2 64·32·25 + 64; dense1 3136·1024 + 1024; dense2 1024·10 + 10.
        XCTAssertEqual(plan.layers.map(\.parameterCount), [832, 0, 51_264, 0, 3_212_288, 0, 10_250])
        XCTAssertEqual(plan.parameterCount, 3_274_634)
        // 2·(32·28·28)·25; 32·14·14·4; 2·(64·14·14)·(32·25); 64·7·7·4; 2·3136·1024; 1024; 2·1024·10.
        XCTAssertEqual(plan.layers.map(\.forwardFLOPs), [1_254_400, 25_088, 20_070_400, 12_544, 6_422_528, 1024, 20_480])
        XCTAssertEqual(plan.classCount, 10)
    }

    func testLeNet5() throws {
        let plan = try plan("lenet5.json")
        XCTAssertEqual(plan.layers.map(\.outputShape), [[6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120], [84], [10]])
        // 6·25 + 6; 16·6·25 + 16; 400·120 + 120; 120·84 + 84; 84·10 + 10: the classic 61,706.
        XCTAssertEqual(plan.layers.map(\.parameterCount), [156, 0, 2416, 0, 48_120, 10_164, 850])
        XCTAssertEqual(plan.parameterCount, 61_706)
        XCTAssertEqual(plan.layers[2].forwardFLOPs, 2 * 16 * 10 * 10 * 6 * 25)
    }

    func testStridesAndPaddingFloorLikePyTorch() throws {
        let network = #"[ { "type": "conv", "filters": 2, "size": 3, "stride": 2, "padding": 1 }, { "type": "maxpool", "size": 3, "stride": 2 }, { "type": "batchnorm" }, { "type": "global_avgpool" }, { "type": "batchnorm" }]"#
        let data = #"{ "train": "a", "input": { "width": 10, "height": 7, "channels": 3 } }"#
        let plan = try Config(jsonData: Data(ConfigText.document(data: data, network: network).utf8)).plan()
        // H: floor((7 + 2 − 3)/2) + 1 = 4, W: floor((10 + 2 − 3)/2) + 1 = 5; pool: floor((4 − 3)/2) + 1 = 1, floor((5 − 3)/2) + 1 = 2.
        XCTAssertEqual(plan.map(\.outputShape), [[2, 4, 5], [2, 1, 2], [2, 1, 2], [2], [2]])
        XCTAssertEqual(plan.map(\.parameterCount), [2 * 3 * 9 + 2, 0, 4, 0, 4])
    }

    func testDenseFlattensAnImageInputImplicitly() throws {
        let network = #"[ { "type": "dense", "units": 3, "bias": false } ]"#
        let plan = try Config(jsonData: Data(ConfigText.document(network: network).utf8)).plan()
        XCTAssertEqual(plan[0].inputShape, [1, 28, 28])
        XCTAssertEqual(plan[0].parameterCount, 784 * 3)
    }
}

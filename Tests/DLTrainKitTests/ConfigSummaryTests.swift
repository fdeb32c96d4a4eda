import XCTest
@testable import DLTrainKit

/// The network summary table, as a snapshot of a small net.
final class ConfigSummaryTests: XCTestCase {
    func testSmallNetSnapshot() throws {
        let network = #"[ { "type": "conv", "filters": 4, "size": 3, "padding": 1, "activation": "relu" }, { "type": "maxpool", "size": 2 }, { "type": "batchnorm", "name": "norm" }, { "type": "dense", "units": 10, "bias": false } ]"#
        let data = #"{ "train": "a", "input": { "width": 8, "height": 8, "channels": 3 } }"#
        let plan = try Config(jsonData: Data(ConfigText.document(data: data, network: network).utf8)).networkPlan()
        // conv: 4·3·9 + 4 = 112 params, 2·(4·8·8)·(3·9) = 13,824 FLOPs; pool 4·4·4·4 = 256; bn 2·4 params, 2·64 FLOPs;
        // dense 64·10 = 640 params, 2·64·10 = 1,280 FLOPs. Total 760 params, 15,488 FLOPs.
        let expected = """
            #  name    type                  input  output  params  MFLOPs
            0  conv1   conv 4 3×3/1 p1 relu  3×8×8  4×8×8      112   0.014
            1  pool1   maxpool 2×2/2 p0      4×8×8  4×4×4        0   0.000
            2  norm    batchnorm             4×4×4  4×4×4        8   0.000
            3  dense1  dense 10 nobias       4×4×4  10         640   0.001
            input 3×8×8, 4 layers, 10 classes
            parameters: 760 (0.00 MiB as float32)
            per image: forward 0.0000 GFLOPs, training ≈ 0.0000 GFLOPs (3× forward)

            """
        XCTAssertEqual(plan.summaryTable(), expected)
        XCTAssertEqual(plan.forwardFLOPs, 15_488)
    }

    func testFashionNetTotals() throws {
        let plan = try Config.load(from: ConfigText.configsFolder.appendingPathComponent("fashion-mnist.json")).networkPlan()
        let table = plan.summaryTable()
        XCTAssertTrue(table.contains("conv 32 5×5/1 p2 relu"), table)
        XCTAssertTrue(table.contains("parameters: 3,274,634 (12.49 MiB as float32)"), table)
        XCTAssertTrue(table.contains("per image: forward 0.0278 GFLOPs, training ≈ 0.0834 GFLOPs (3× forward)"), table)
    }

    func testGroupedDigits() {
        XCTAssertEqual(NetworkPlan.grouped(0), "0")
        XCTAssertEqual(NetworkPlan.grouped(999), "999")
        XCTAssertEqual(NetworkPlan.grouped(1000), "1,000")
        XCTAssertEqual(NetworkPlan.grouped(3_274_634), "3,274,634")
    }
}

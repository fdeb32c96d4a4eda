import Foundation
import XCTest
@testable import DLTrainKit

/// Every kind of config mistake, with the exact one-line message the user sees.
final class ConfigErrorTableTests: XCTestCase {
    typealias T = ConfigText

    static let layer0 = #"{ "type": "dense", "units": 10 }"#

    static let rows: [(String, String, UInt)] = [
        (T.document(network: #"[ { "type": "conv", "filters": 4, "size": -1 }, \#(layer0) ]"#),
         "bad.json: network[0].size: expected a positive integer, got -1", #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "sgd", "learning_rate": "fast" } }"#),
         #"bad.json: training.optimizer.learning_rate: expected a positive number, got "fast""#, #line),
        (T.document(network: #"[ { "type": "conv", "filter": 4, "size": 3 }, \#(layer0) ]"#),
         #"bad.json: network[0]: unknown key "filter"; did you mean "filters"?"#, #line),
        (T.document(data: #"{ "input": { "width": 28, "height": 28, "channels": 1 } }"#),
         "bad.json: data.train: required key is missing", #line),
        (T.document(network: #"[ { "type": "maxpol", "size": 2 }, \#(layer0) ]"#),
         #"bad.json: network[0].type: unknown layer type "maxpol"; did you mean "maxpool"?"#, #line),
        (T.document(network: #"[ { "type": "softmax" }, \#(layer0) ]"#),
         #"bad.json: network[0].type: unknown layer type "softmax"; expected one of "conv", "maxpool", "avgpool", "global_avgpool", "dense", "flatten", "dropout", "batchnorm", "relu", "leaky_relu", "sigmoid", "tanh""#, #line),
        ("{\n  \"name\": \"t\",\n  \"data\" {}\n}",
         "bad.json: invalid JSON at line 3, column 10: expected ':' after the key \"data\", got '{'", #line),
        (#"{ "name": "t", }"#, "bad.json: invalid JSON at line 1, column 16: expected a key in double quotes, got '}'", #line),
        (#"[1, 2]"#, "bad.json: expected a JSON object at the top level, got an array", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 2.5, "size": 3 }, \#(layer0) ]"#),
         "bad.json: network[0].filters: expected a positive integer, got 2.5", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 5000000, "size": 3 }, \#(layer0) ]"#),
         "bad.json: network[0].filters: expected a positive integer no larger than 1000000, got 5000000", #line),
        (T.document(network: #"[ { "type": "dense", "units": 1e7 } ]"#),
         "bad.json: network[0].units: expected a positive integer no larger than 1000000, got 1e7", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 4, "size": 5000 }, \#(layer0) ]"#),
         "bad.json: network[0].size: expected a positive integer no larger than 4096, got 5000", #line),
        (T.document(training: #"{ "epochs": 100001, "batch_size": 8, "optimizer": { "type": "adam" } }"#),
         "bad.json: training.epochs: expected a positive integer no larger than 100000, got 100001", #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 70000, "optimizer": { "type": "adam" } }"#),
         "bad.json: training.batch_size: expected a positive integer no larger than 65536, got 70000", #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "bias": 1 } ]"#),
         "bad.json: network[0].bias: expected true or false, got 1", #line),
        (T.document(network: #"[ { "type": "dense", "units": true } ]"#),
         "bad.json: network[0].units: expected a positive integer, got true", #line),
        (T.document(data: #"{ "train": "a", "validation": "b", "validation_split": 0.1, "input": { "width": 28, "height": 28, "channels": 1 } }"#),
         #"bad.json: data.validation_split: expected either "validation" or "validation_split", got both"#, #line),
        (T.document(data: #"{ "train": "a", "validation_split": 1.5, "input": { "width": 28, "height": 28, "channels": 1 } }"#),
         "bad.json: data.validation_split: expected a number between 0 and 1 (exclusive), got 1.5", #line),
        (T.document(data: #"{ "train": "a", "input": { "width": 8, "height": 8, "channels": 3 }, "normalize": { "mean": [0.5], "std": [1, 1, 1] } }"#),
         "bad.json: data.normalize.mean: expected 3 values (one per input channel), got 1", #line),
        (T.document(data: #"{ "train": "a", "input": { "width": 28, "height": 28, "channels": 1 }, "normalize": { "mean": [0.5], "std": [0] } }"#),
         "bad.json: data.normalize.std[0]: expected a positive number, got 0", #line),
        (T.document(data: #"{ "train": "a", "input": { "width": 28, "height": 28, "channels": 2 } }"#),
         "bad.json: data.input.channels: expected 1 (grayscale) or 3 (RGB), got 2", #line),
        (T.document(data: #"{ "train": "a", "input": { "width": 28, "height": 28, "channels": 1 }, "on_bad_image": "ignore" }"#),
         #"bad.json: data.on_bad_image: unknown policy "ignore"; expected one of "fail", "skip""#, #line),
        (T.document(data: #""datasets""#), #"bad.json: data: expected an object, got "datasets""#, #line),
        (T.document(network: #"[ { "type": "dropout", "rate": 1 }, \#(layer0) ]"#),
         "bad.json: network[0].rate: expected a number in [0, 1), got 1", #line),
        (T.document(network: #"[ { "type": "flatten" }, { "type": "maxpool", "size": 2 }, \#(layer0) ]"#),
         "bad.json: network[1]: maxpool needs an image input (C×H×W), got a flat input of 784 features", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 4, "size": 5, "stride": 6 }, { "type": "conv", "filters": 4, "size": 5, "padding": 0 }, \#(layer0) ]"#),
         "bad.json: network[1].size: 5×5 window does not fit the 4×4 input (padding 0)", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 4, "size": 3, "stride": 9 }, { "type": "avgpool", "size": 5 }, \#(layer0) ]"#),
         "bad.json: network[1].size: 5×5 window does not fit the 3×3 input (padding 0)", #line),
        (T.document(network: #"[ { "type": "conv", "filters": 4, "size": 3 } ]"#),
         "bad.json: network[0]: the last layer must output one logit per class (at least 2, flat), got an image output of 4×26×26", #line),
        (T.document(network: #"[ { "type": "dense", "units": 1 } ]"#),
         "bad.json: network[0]: the last layer must output one logit per class (at least 2, flat), got 1 logit", #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "name": "head" }, { "type": "dense", "units": 10, "name": "head" } ]"#),
         #"bad.json: network[1].name: the name "head" is already used by network[0]; give one of them another "name""#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "name": "dense2" }, { "type": "dense", "units": 10 } ]"#),
         #"bad.json: network[1]: its default name "dense2" is already used by network[0]; give one of them another "name""#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "name": "fc.1" } ]"#),
         #"bad.json: network[0].name: expected a name of at most 64 letters, digits, '_' and '-', got "fc.1""#, #line),
        (T.document(network: "[]"), "bad.json: network: expected at least one layer, got an empty array", #line),
        (T.document(network: #"[ { "units": 10 } ]"#), "bad.json: network[0].type: required key is missing", #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "sgdd", "learning_rate": 0.1 } }"#),
         #"bad.json: training.optimizer.type: unknown optimizer "sgdd"; did you mean "sgd"?"#, #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "sgd", "learning_rate": 0.1, "nesterov": true } }"#),
         #"bad.json: training.optimizer.nesterov: Nesterov momentum needs "momentum" > 0, got momentum 0"#, #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "adam" }, "schedule": { "type": "cosin" } }"#),
         #"bad.json: training.schedule.type: unknown schedule "cosin"; did you mean "cosine"?"#, #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "adam" }, "schedule": { "type": "step", "warmup_epochs": 3, "step_epochs": 1 } }"#),
         "bad.json: training.schedule.warmup_epochs: expected a non-negative integer no larger than 2, got 3", #line),
        (T.document(training: #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "adam" }, "schedule": { "type": "cosine", "min_learning_rate": 0.01 } }"#),
         "bad.json: training.schedule.min_learning_rate: expected at most the learning rate (0.001), got 0.01", #line),
        (T.document(extra: #""device": "cuda""#),
         #"bad.json: device: expected "cpu", "opencl", "opencl:N" or "auto", got "cuda""#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "activation": "rlu" } ]"#),
         #"bad.json: network[0].activation: unknown activation "rlu"; did you mean "relu"?"#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "activation": "relu", "activation_slope": 0.2 } ]"#),
         #"bad.json: network[0].activation_slope: only applies to "activation": "leaky_relu", got "activation": "relu""#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "units": 12 } ]"#),
         #"bad.json: network[0]: duplicate key "units""#, #line),
        (T.document(extra: #""outputs": {}"#),
         #"bad.json: unknown key "outputs"; did you mean "output"?"#, #line),
        (T.document(extra: #""foo": 1"#),
         #"bad.json: unknown key "foo"; expected one of "name", "data", "network", "training", "output", "device""#, #line),
        (T.document(network: #"[ { "type": "maxpool", "size": 2, "padding": 2 }, \#(layer0) ]"#),
         "bad.json: network[0].padding: expected at most half the window size (1), got 2", #line),
        (T.document(data: #"{ "train": "a", "input": { "width": 8192, "height": 8192, "channels": 3 } }"#, network: #"[ { "type": "dense", "units": 1000 } ]"#),
         "bad.json: network[0]: the layer's parameters exceed the limit of 2147483647", #line),
        (#"{ "name": "../x" }"#, #"bad.json: name: expected a run name of letters, digits, '_', '-' and '.', got "../x""#, #line),
        (T.document(network: #"[ { "type": "dense", "units": 10, "activation": 3 } ]"#),
         #"bad.json: network[0].activation: expected activation (one of "linear", "relu", "leaky_relu", "sigmoid", "tanh"), got 3"#, #line),
    ]

    func testEachBadConfigGivesItsOneLineMessage() {
        XCTAssertGreaterThanOrEqual(Self.rows.count, 25)
        for (text, expected, line) in Self.rows {
            XCTAssertEqual(T.error(loading: text), expected, line: line)
        }
    }

    func testTheDocumentTemplateIsValidSoEachRowTestsOneMistake() {
        XCTAssertNil(T.error(loading: T.document()))
    }

    func testInvalidUTF8IsReported() {
        var bytes = Data(T.document().utf8)
        bytes[10] = 0xFF
        XCTAssertEqual(T.error(loading: bytes), "bad.json: expected UTF-8 JSON text, got bytes that are not valid UTF-8")
    }

    func testAMissingFileIsReportedWithItsPath() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/config.json")
        XCTAssertThrowsError(try Config.load(from: url)) { error in
            XCTAssertEqual("\(error)", "/nonexistent/dir/config.json: cannot read the file (no such file)")
        }
    }
}


/// Builds small config documents for tests from JSON fragments; every default is a valid config.
enum ConfigText {
    static let data = #"{ "train": "train", "input": { "width": 28, "height": 28, "channels": 1 } }"#
    static let network = #"[ { "type": "conv", "filters": 4, "size": 3 }, { "type": "maxpool", "size": 2 }, { "type": "dense", "units": 10 } ]"#
    static let training = #"{ "epochs": 2, "batch_size": 8, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }"#

    /// A whole config document with the given fragments and extra top-level members (`"device": "cpu"`).
    static func document(
        data: String = data, network: String = network, training: String = training, extra: String = ""
    ) -> String {
        #"{ "name": "t", "data": \#(data), "network": \#(network), "training": \#(training)\#(extra.isEmpty ? "" : ", " + extra) }"#
    }

    /// The one-line message loading `text` as `bad.json` gives, or nil when it loads.
    static func error(loading text: String) -> String? {
        error(loading: Data(text.utf8))
    }

    /// The one-line message loading `bytes` as `bad.json` gives, or nil when it loads.
    static func error(loading bytes: Data) -> String? {
        do {
            _ = try Config(jsonData: bytes, file: "bad.json")
            return nil
        } catch {
            return error.description
        }
    }

    /// The repository's `configs/` folder.
    static var configsFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("configs").resolvingSymlinksInPath()
    }
}

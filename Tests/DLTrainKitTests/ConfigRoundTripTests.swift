import XCTest
@testable import DLTrainKit

/// Good configs load, fill in their defaults, and survive `resolvedJSON()` unchanged.
final class ConfigRoundTripTests: XCTestCase {
    func testEveryConfigInTheRepositoryLoadsAndRoundTrips() throws {
        let files = try FileManager.default.contentsOfDirectory(at: ConfigText.configsFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        XCTAssertTrue(files.contains { $0.lastPathComponent == "fashion-mnist.json" })
        XCTAssertTrue(files.contains { $0.lastPathComponent == "lenet5.json" })
        for file in files {
            let config = try Config.load(from: file)
            XCTAssertEqual(try Config(jsonData: config.resolvedJSON()), config, file.lastPathComponent)
        }
    }

    func testDefaultsAreFilledIn() throws {
        let config = try Config(jsonData: Data(ConfigText.document().utf8))
        XCTAssertEqual(config.output, OutputConfig(directory: "runs/t", checkpointEveryEpochs: 1, keepLast: 3))
        XCTAssertEqual(config.training.seed, 1)
        XCTAssertEqual(config.training.logEverySteps, 50)
        XCTAssertEqual(config.training.schedule, ScheduleConfig(.constant, warmupEpochs: 0))
        XCTAssertEqual(config.training.optimizer, .sgd(SGDConfig(learningRate: 0.1, momentum: 0, nesterov: false, weightDecay: 0)))
        XCTAssertEqual(config.data.normalize, NormalizeConfig(mean: [0], std: [1]))
        XCTAssertEqual(config.data.augment, AugmentConfig(horizontalFlip: false, randomCropPadding: 0))
        XCTAssertEqual(config.data.cacheMegabytes, 2048)
        XCTAssertNil(config.data.workers)
        XCTAssertEqual(config.data.onBadImage, .fail)
        XCTAssertNil(config.device)
        XCTAssertEqual(config.network.map(\.name), ["conv1", "pool1", "dense1"])
        XCTAssertEqual(config.network[0].kind, .conv(ConvConfig(filters: 4, size: 3, stride: 1, padding: 0, bias: true, activation: .linear)))
        XCTAssertEqual(config.network[1].kind, .maxpool(PoolConfig(size: 2, stride: 2, padding: 0)))
    }

    func testAdamWDefaultsToDecoupledDecay() throws {
        let adamw = try Config(jsonData: Data(ConfigText.document(
            training: #"{ "epochs": 1, "batch_size": 1, "optimizer": { "type": "adamw" } }"#).utf8))
        XCTAssertEqual(adamw.training.optimizer, .adamw(AdamConfig(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01)))
        let adam = try Config(jsonData: Data(ConfigText.document(
            training: #"{ "epochs": 1, "batch_size": 1, "optimizer": { "type": "adam" } }"#).utf8))
        XCTAssertEqual(adam.training.optimizer, .adam(AdamConfig()))
    }

    func testEveryLayerTypeAndSettingRoundTrips() throws {
        let network = #"""
        [ { "type": "conv", "filters": 8, "size": 3, "padding": 1, "bias": false, "activation": "leaky_relu", "activation_slope": 0.2 },
          { "type": "batchnorm", "epsilon": 0.001, "momentum": 0.2 },
          { "type": "leaky_relu", "slope": 0.1 }, { "type": "avgpool", "size": 3, "stride": 2, "padding": 1 },
          { "type": "sigmoid" }, { "type": "tanh", "name": "squash" }, { "type": "relu" },
          { "type": "maxpool", "size": 2 }, { "type": "global_avgpool" }, { "type": "flatten" },
          { "type": "dropout", "rate": 0.25 }, { "type": "dense", "units": 5, "activation": "tanh" }, { "type": "batchnorm" },
          { "type": "dense", "units": 3 } ]
        """#
        let data = #"{ "train": "a", "validation_split": 0.2, "input": { "width": 32, "height": 24, "channels": 3 }, "workers": 3, "on_bad_image": "skip", "cache_megabytes": 0 }"#
        let training = #"{ "epochs": 9, "batch_size": 4, "seed": 7, "log_every_steps": 5, "optimizer": { "type": "sgd", "learning_rate": 0.5, "momentum": 0.9, "nesterov": true }, "schedule": { "type": "step", "step_epochs": 3, "gamma": 0.5, "warmup_epochs": 1 } }"#
        let text = ConfigText.document(data: data, network: network, training: training, extra: #""device": "opencl:1""#)
        let config = try Config(jsonData: Data(text.utf8))
        XCTAssertEqual(config.network.map(\.name), [
            "conv1", "bn1", "leaky_relu1", "pool1", "sigmoid1", "squash", "relu1", "pool2", "pool3", "flatten1",
            "dropout1", "dense1", "bn2", "dense2",
        ])
        XCTAssertEqual(config.network[0].kind.activation, .leakyReLU(slope: 0.2))
        XCTAssertEqual(config.network[2].kind, .leakyReLU(slope: 0.1))
        XCTAssertEqual(config.data.validationSplit, 0.2)
        XCTAssertEqual(config.training.schedule, ScheduleConfig(.step(stepEpochs: 3, gamma: 0.5), warmupEpochs: 1))
        XCTAssertEqual(config.device, "opencl:1")
        XCTAssertEqual(try Config(jsonData: config.resolvedJSON()), config)
    }

    func testResolvedJSONIsPrettyWithSortedKeys() throws {
        let text = String(decoding: try Config(jsonData: Data(ConfigText.document().utf8)).resolvedJSON(), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("{\n  \"data\": {\n    \"augment\": {\n      \"horizontal_flip\": false,"), text)
        XCTAssertTrue(text.contains("\"mean\": [0.0],"), text)
        XCTAssertTrue(text.contains("\"learning_rate\": 0.1,"), text)
    }

    func testIntegralNumbersAreIntegersAndNullMeansAbsent() throws {
        let data = #"{ "train": "a", "validation": null, "input": { "width": 28.0, "height": 2.8e1, "channels": 1 } }"#
        let config = try Config(jsonData: Data(ConfigText.document(data: data).utf8))
        XCTAssertEqual(config.data.input, InputConfig(width: 28, height: 28, channels: 1))
        XCTAssertNil(config.data.validation)
    }
}

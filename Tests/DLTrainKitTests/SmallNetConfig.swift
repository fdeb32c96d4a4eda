import Foundation
@testable import DLTrainKit

/// A small config touching every kind of step work (conv, batch norm, pooling, dense, dropout, momentum SGD),
/// with odd sizes, for tests that run whole training steps on both engines.
enum SmallNetConfig {
    /// The config; `train` is the training folder (compare-devices counts its images).
    static func make(train: String = "/nonexistent/train") throws -> Config {
        let json = """
            {
              "name": "small",
              "data": { "train": "\(train)", "input": { "width": 9, "height": 9, "channels": 3 } },
              "network": [
                { "type": "conv", "filters": 5, "size": 3, "padding": 1, "activation": "relu" },
                { "type": "batchnorm" },
                { "type": "maxpool", "size": 2 },
                { "type": "conv", "filters": 6, "size": 3, "stride": 2, "padding": 1, "activation": "tanh" },
                { "type": "avgpool", "size": 2, "stride": 1 },
                { "type": "dense", "units": 17, "activation": "relu" },
                { "type": "dropout", "rate": 0.25 },
                { "type": "dense", "units": 3 }
              ],
              "training": {
                "epochs": 2, "batch_size": 5, "seed": 3,
                "optimizer": { "type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "weight_decay": 0.0005 }
              },
              "output": { "directory": "/tmp/dltrain-small" }
            }
            """
        return try Config(jsonData: Data(json.utf8), file: "small test config")
    }
}

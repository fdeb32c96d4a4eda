import Foundation

extension Config {
    /// The text of `configs/fashion-mnist.json`, built in so `compare-devices` works from any folder.
    static let fashionMNISTJSON = #"""
{
  "name": "fashion-mnist",
  "data": {
    "train": "datasets/fashion-mnist/train",
    "validation": "datasets/fashion-mnist/test",
    "input": { "width": 28, "height": 28, "channels": 1 },
    "normalize": { "mean": [0.286], "std": [0.353] },
    "augment": { "horizontal_flip": true, "random_crop_padding": 2 }
  },
  "network": [
    { "type": "conv", "filters": 32, "size": 5, "stride": 1, "padding": 2, "activation": "relu" },
    { "type": "maxpool", "size": 2, "stride": 2 },
    { "type": "conv", "filters": 64, "size": 5, "padding": 2, "activation": "relu" },
    { "type": "maxpool", "size": 2, "stride": 2 },
    { "type": "dense", "units": 1024, "activation": "relu" },
    { "type": "dropout", "rate": 0.4 },
    { "type": "dense", "units": 10 }
  ],
  "training": {
    "epochs": 10, "batch_size": 64, "seed": 1,
    "optimizer": { "type": "sgd", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.0005 },
    "schedule": { "type": "cosine", "warmup_epochs": 0 }
  },
  "output": { "directory": "runs/fashion-mnist", "checkpoint_every_epochs": 1, "keep_last": 3 }
}
"""#

    /// The Fashion-MNIST net of DESIGN.md: compare-devices' default.
    public static func fashionMNIST() throws -> Config {
        try Config(jsonData: Data(fashionMNISTJSON.utf8), file: "built-in fashion-mnist config")
    }
}

import Foundation

/// The training and validation image sets of a config, indexed and ready to load.
struct TrainingData {
    let training: ImageFolderDataset
    let validation: ImageFolderDataset?
    let trainingLoader: BatchLoader
    let validationLoader: BatchLoader?

    /// Indexes `data.train` and `data.validation` (or splits `validation_split` off the training set).
    /// `classNames`, when given (a resumed run), must match the training folder's classes.
    init(config: Config, classNames: [String]?) throws {
        let data = config.data
        let seed = UInt64(config.training.seed)
        var training = try ImageFolderDataset(configured: data.train, key: "data.train", classNames: classNames,
                                              classesOf: "the checkpoint's")
        var validation: ImageFolderDataset?
        if let folder = data.validation {
            validation = try ImageFolderDataset(configured: folder, key: "data.validation",
                                                classNames: training.classNames, classesOf: "data.train's")
        } else if let fraction = data.validationSplit {
            (training, validation) = try training.split(validationFraction: fraction, seed: seed)
        }
        self.training = training
        self.validation = validation
        let options = LoaderOptions(config: data)
        trainingLoader = try BatchLoader(dataset: training, batchSize: config.training.batchSize,
                                         options: options, seed: seed)
        validationLoader = try validation.map {
            try BatchLoader(dataset: $0, batchSize: config.training.batchSize, options: options, seed: seed)
        }
    }
}

extension LoaderOptions {
    /// The loader settings a config's `data` section describes.
    init(config data: DataConfig) {
        self.init(width: data.input.width, height: data.input.height, channels: data.input.channels,
                  mean: data.normalize.mean, std: data.normalize.std,
                  horizontalFlip: data.augment.horizontalFlip, randomCropPadding: data.augment.randomCropPadding,
                  cacheLimitBytes: data.cacheMegabytes << 20)
        if let workers = data.workers { workerThreads = workers }
        maxPixels = data.maxPixels
        onBadImage = data.onBadImage
    }
}

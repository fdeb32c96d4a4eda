/// Where the images are and how they are prepared (`"data"`).
public struct DataConfig: Sendable, Equatable {
    /// The training image folder: one subfolder per class. Relative paths are relative to the working directory.
    public var train: String
    /// A separate validation image folder, laid out like `train`.
    public var validation: String?
    /// Instead of `validation`: the fraction of `train` held out for validation (0 < x < 1).
    public var validationSplit: Double?
    public var input: InputConfig
    /// Per-channel normalisation; mean 0, std 1 when the config gives none.
    public var normalize: NormalizeConfig
    public var augment: AugmentConfig
    /// The budget for keeping decoded images in memory.
    public var cacheMegabytes: Int
    /// Decoding threads; nil chooses from the number of cores.
    public var workers: Int?
    public var onBadImage: BadImagePolicy
    /// Images whose header claims more than this many pixels (width × height) are refused before decoding.
    public var maxPixels: Int

    /// Creates a data config.
    public init(
        train: String, validation: String? = nil, validationSplit: Double? = nil, input: InputConfig,
        normalize: NormalizeConfig? = nil, augment: AugmentConfig = AugmentConfig(), cacheMegabytes: Int = 2048,
        workers: Int? = nil, onBadImage: BadImagePolicy = .fail, maxPixels: Int = DataConfig.defaultMaxPixels
    ) {
        self.train = train
        self.validation = validation
        self.validationSplit = validationSplit
        self.input = input
        self.normalize = normalize ?? .identity(channels: input.channels)
        self.augment = augment
        self.cacheMegabytes = cacheMegabytes
        self.workers = workers
        self.onBadImage = onBadImage
        self.maxPixels = maxPixels
    }

    /// The default `max_pixels`: 64 Mi pixels (8192 × 8192), the same as the image decoder's default.
    public static let defaultMaxPixels = 64 * 1024 * 1024
}

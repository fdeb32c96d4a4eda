/// How to train (`"training"`).
public struct TrainingConfig: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    /// Seeds weight initialisation, shuffling, augmentation and dropout.
    public var seed: Int
    public var optimizer: OptimizerConfig
    public var schedule: ScheduleConfig
    /// Print a plain progress line every this many training steps (when the output is not a terminal).
    public var logEverySteps: Int
    /// What a NaN or infinite loss or gradient does: stop the run (default) or skip the batch.
    public var onNonFinite: NonFinitePolicy

    /// Creates a training config.
    public init(
        epochs: Int, batchSize: Int, seed: Int = 1, optimizer: OptimizerConfig, schedule: ScheduleConfig = .constant,
        logEverySteps: Int = 50, onNonFinite: NonFinitePolicy = .stop
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.optimizer = optimizer
        self.schedule = schedule
        self.logEverySteps = logEverySteps
        self.onNonFinite = onNonFinite
    }
}

extension TrainingConfig {
    static let keys = ["epochs", "batch_size", "seed", "optimizer", "schedule", "log_every_steps", "on_nonfinite"]

    init(_ reader: ObjectReader) throws(ConfigError) {
        epochs = try reader.integer("epochs", in: Limits.epochs)
        batchSize = try reader.integer("batch_size", in: Limits.batchSize)
        seed = try reader.integer("seed", in: Limits.seed, default: 1)
        optimizer = try reader.required("optimizer") { value, path throws(ConfigError) in try OptimizerConfig(value, at: path) }
        let (epochs, learningRate) = (epochs, optimizer.learningRate)
        schedule = try reader.optional("schedule", default: .constant) { value, path throws(ConfigError) in
            try ScheduleConfig(value, at: path, epochs: epochs, learningRate: learningRate)
        }
        logEverySteps = try reader.integer("log_every_steps", in: Limits.steps, default: 50)
        onNonFinite = try reader.optional("on_nonfinite", default: .stop) { value, path throws(ConfigError) in
            try value.choice(of: NonFinitePolicy.self, at: path, noun: "policy")
        }
    }

    var json: JSONValue {
        .object([JSONMember("epochs", .integer(epochs)), JSONMember("batch_size", .integer(batchSize)),
                 JSONMember("seed", .integer(seed)), JSONMember("optimizer", optimizer.json),
                 JSONMember("schedule", schedule.json), JSONMember("log_every_steps", .integer(logEverySteps)),
                 JSONMember("on_nonfinite", .string(onNonFinite.rawValue))])
    }
}

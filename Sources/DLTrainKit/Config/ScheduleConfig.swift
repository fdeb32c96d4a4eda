/// How the learning rate changes over training (`"training.schedule"`, keyed by `"type"`), after an optional
/// linear warm-up. `LearningRateSchedule` computes the rate at each step.
public struct ScheduleConfig: Sendable, Equatable {
    /// The shape of the curve after warm-up.
    public enum Kind: Sendable, Equatable {
        /// `"constant"`: the base learning rate throughout.
        case constant
        /// `"step"`: multiplied by `gamma` every `stepEpochs` epochs, counted from the start of training.
        case step(stepEpochs: Int, gamma: Float)
        /// `"cosine"`: half a cosine from the base rate down to `minLearningRate` over the steps after warm-up.
        case cosine(minLearningRate: Float)
    }

    public var kind: Kind
    /// Epochs of linear warm-up from base/warmupSteps up to the base rate (0: none).
    public var warmupEpochs: Int

    /// Creates a schedule config.
    public init(_ kind: Kind, warmupEpochs: Int = 0) {
        self.kind = kind
        self.warmupEpochs = warmupEpochs
    }

    /// The base learning rate throughout, no warm-up.
    public static let constant = ScheduleConfig(.constant)

    /// The `"type"` names of schedules in config files.
    enum Name: String, CaseIterable {
        case constant, step, cosine
    }
}

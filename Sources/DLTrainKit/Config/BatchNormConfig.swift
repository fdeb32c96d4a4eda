/// Batch normalisation: per channel of a C×H×W input, or per feature of a flat input.
public struct BatchNormConfig: Sendable, Equatable {
    /// Added to the variance before the square root.
    public var epsilon: Float
    /// PyTorch convention: running = (1 − momentum)·running + momentum·batch statistic.
    public var momentum: Float

    /// Creates a batch-norm layer config.
    public init(epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.epsilon = epsilon
        self.momentum = momentum
    }
}

/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, PyTorch's `SGD` semantics.
public struct SGDConfig: Sendable, Equatable {
    public var learningRate: Float
    /// 0 ≤ momentum < 1; 0 is plain SGD.
    public var momentum: Float
    public var nesterov: Bool
    /// Added to the gradient as weightDecay·w.
    public var weightDecay: Float

    /// Creates an SGD config.
    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }
}

/// One parameter's SGD step without the parameter and its gradient, as `ComputeEngine.sgdStep` takes it: for an op
/// that applies the step in the same pass that computes the gradient.
public struct SGDStep {
    /// The parameter's velocity (momentum buffer), updated in place.
    public let velocity: Tensor
    /// The step's learning rate.
    public let learningRate: Float
    /// The momentum factor μ.
    public let momentum: Float
    /// The L2 weight decay added to the gradient.
    public let weightDecay: Float
    /// Whether the step uses Nesterov momentum.
    public let nesterov: Bool

    /// Describes a step; see `ComputeEngine.sgdStep` for the update it stands for.
    public init(velocity: Tensor, learningRate: Float, momentum: Float, weightDecay: Float, nesterov: Bool) {
        self.velocity = velocity
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }
}

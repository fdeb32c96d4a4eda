extension UpdateRule {
    /// The rule a config's `training.optimizer` describes.
    init(_ config: OptimizerConfig) {
        switch config {
        case let .sgd(sgd):
            self = .sgd(momentum: sgd.momentum, nesterov: sgd.nesterov, weightDecay: sgd.weightDecay)
        case let .adam(adam):
            self = .adam(beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, weightDecay: adam.weightDecay,
                         decoupled: false)
        case let .adamw(adam):
            self = .adam(beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, weightDecay: adam.weightDecay,
                         decoupled: true)
        }
    }
}

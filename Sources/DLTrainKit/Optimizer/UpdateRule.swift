/// How an optimizer turns gradients into parameter updates (PyTorch's semantics for each).
public enum UpdateRule: Equatable, Sendable {
    /// SGD with optional (Nesterov) momentum and L2 weight decay.
    case sgd(momentum: Float, nesterov: Bool, weightDecay: Float)
    /// Adam (`decoupled = false`, L2 decay added to the gradient) or AdamW (`decoupled = true`).
    case adam(beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool)

    /// The per-parameter state tensors the rule keeps, as suffixes of checkpoint names (SGD keeps its velocity
    /// buffer even without momentum, where it is just the last update).
    var stateNames: [String] {
        switch self {
        case .sgd: return ["momentum"]
        case .adam: return ["exp_avg", "exp_avg_sq"]
        }
    }
}

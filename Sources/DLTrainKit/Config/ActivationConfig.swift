/// The activation applied after a conv or dense layer (`"activation": "relu"`), or by an activation layer.
public enum ActivationConfig: Sendable, Equatable {
    /// No activation: the identity.
    case linear
    /// max(0, x).
    case relu
    /// x for x > 0, slope·x otherwise.
    case leakyReLU(slope: Float)
    /// 1 / (1 + e^−x).
    case sigmoid
    /// tanh(x).
    case tanh

    /// The slope of a leaky ReLU when none is given.
    public static let defaultLeakySlope: Float = 0.01

    /// The activation's name in config files.
    public var name: String { Name(self).rawValue }

    /// The activation names config files use.
    enum Name: String, CaseIterable {
        case linear, relu, leakyReLU = "leaky_relu", sigmoid, tanh

        init(_ activation: ActivationConfig) {
            switch activation {
            case .linear: self = .linear
            case .relu: self = .relu
            case .leakyReLU: self = .leakyReLU
            case .sigmoid: self = .sigmoid
            case .tanh: self = .tanh
            }
        }

        /// The activation of this name, with `slope` for a leaky ReLU.
        func activation(slope: Float) -> ActivationConfig {
            switch self {
            case .linear: .linear
            case .relu: .relu
            case .leakyReLU: .leakyReLU(slope: slope)
            case .sigmoid: .sigmoid
            case .tanh: .tanh
            }
        }
    }
}

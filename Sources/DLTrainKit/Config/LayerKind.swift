/// What a layer computes, with its settings; one case per `"type"` of the config file.
public enum LayerKind: Sendable, Equatable {
    /// `"conv"`.
    case conv(ConvConfig)
    /// `"maxpool"`.
    case maxpool(PoolConfig)
    /// `"avgpool"`.
    case avgpool(PoolConfig)
    /// `"global_avgpool"`: C×H×W → C, averaging each channel.
    case globalAvgpool
    /// `"dense"`.
    case dense(DenseConfig)
    /// `"flatten"`: C×H×W → C·H·W.
    case flatten
    /// `"dropout"`: zeroes each value with probability `rate` in training, scaling the rest by 1/(1 − rate).
    case dropout(rate: Float)
    /// `"batchnorm"`.
    case batchnorm(BatchNormConfig)
    /// `"relu"`.
    case relu
    /// `"leaky_relu"`.
    case leakyReLU(slope: Float)
    /// `"sigmoid"`.
    case sigmoid
    /// `"tanh"`.
    case tanh

    /// The `"type"` this layer has in config files.
    public var type: LayerType {
        switch self {
        case .conv: .conv
        case .maxpool: .maxpool
        case .avgpool: .avgpool
        case .globalAvgpool: .globalAvgpool
        case .dense: .dense
        case .flatten: .flatten
        case .dropout: .dropout
        case .batchnorm: .batchnorm
        case .relu: .relu
        case .leakyReLU: .leakyReLU
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        }
    }

    /// The activation an activation layer applies, or the fused activation of a conv or dense layer; nil for
    /// the other layers.
    public var activation: ActivationConfig? {
        switch self {
        case .conv(let conv): conv.activation
        case .dense(let dense): dense.activation
        case .relu: .relu
        case .leakyReLU(let slope): .leakyReLU(slope: slope)
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .maxpool, .avgpool, .globalAvgpool, .flatten, .dropout, .batchnorm: nil
        }
    }
}

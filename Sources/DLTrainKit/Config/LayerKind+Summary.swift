/// Short Darknet-style descriptions of layers for the summary table.
extension LayerKind {
    /// The type and settings in a few words: `conv 32 5×5/1 p2 relu`, `maxpool 2×2/2 p0`, `dense 10`.
    public var summary: String {
        switch self {
        case .conv(let conv):
            let window = "\(conv.size)×\(conv.size)/\(conv.stride) p\(conv.padding)"
            return ["conv \(conv.filters) \(window)", conv.bias ? nil : "nobias", conv.activation.summary]
                .compactMap { $0 }.joined(separator: " ")
        case .maxpool(let pool), .avgpool(let pool):
            return "\(type.rawValue) \(pool.size)×\(pool.size)/\(pool.stride) p\(pool.padding)"
        case .dense(let dense):
            return ["dense \(dense.units)", dense.bias ? nil : "nobias", dense.activation.summary]
                .compactMap { $0 }.joined(separator: " ")
        case .dropout(let rate): return "dropout \(rate)"
        case .leakyReLU(let slope): return "leaky_relu(\(slope))"
        case .globalAvgpool, .flatten, .batchnorm, .relu, .sigmoid, .tanh: return type.rawValue
        }
    }
}

extension ActivationConfig {
    /// The fused activation as the summary shows it; nil for linear.
    var summary: String? {
        switch self {
        case .linear: nil
        case .leakyReLU(let slope): "leaky_relu(\(slope))"
        case .relu, .sigmoid, .tanh: name
        }
    }
}

/// The `"type"` names of layers in config files.
public enum LayerType: String, Sendable, CaseIterable {
    case conv, maxpool, avgpool, globalAvgpool = "global_avgpool", dense, flatten, dropout, batchnorm
    case relu, leakyReLU = "leaky_relu", sigmoid, tanh

    /// The stem of default layer names (`conv1`, `pool2`): pools share `pool`, batch norm is `bn`.
    public var namePrefix: String {
        switch self {
        case .maxpool, .avgpool, .globalAvgpool: "pool"
        case .batchnorm: "bn"
        case .conv, .dense, .flatten, .dropout, .relu, .leakyReLU, .sigmoid, .tanh: rawValue
        }
    }

    /// The keys a layer of this type accepts besides `"type"` and `"name"`.
    var settingKeys: [String] {
        switch self {
        case .conv: ["filters", "size", "stride", "padding", "bias", "activation", "activation_slope"]
        case .maxpool, .avgpool: ["size", "stride", "padding"]
        case .dense: ["units", "bias", "activation", "activation_slope"]
        case .dropout: ["rate"]
        case .batchnorm: ["epsilon", "momentum"]
        case .leakyReLU: ["slope"]
        case .globalAvgpool, .flatten, .relu, .sigmoid, .tanh: []
        }
    }
}

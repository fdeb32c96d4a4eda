/// The optimizer (`"training.optimizer"`, keyed by `"type"`).
public enum OptimizerConfig: Sendable, Equatable {
    /// `"sgd"`.
    case sgd(SGDConfig)
    /// `"adam"`: weight decay as L2 added to the gradient.
    case adam(AdamConfig)
    /// `"adamw"`: weight decay decoupled from the gradient (w −= lr·weightDecay·w).
    case adamw(AdamConfig)

    /// The base learning rate, before the schedule scales it.
    public var learningRate: Float {
        switch self {
        case .sgd(let sgd): sgd.learningRate
        case .adam(let adam), .adamw(let adam): adam.learningRate
        }
    }

    /// The `"type"` names of optimizers in config files.
    enum Name: String, CaseIterable {
        case sgd, adam, adamw
    }
}

extension OptimizerConfig {
    init(_ value: JSONValue, at path: String) throws(ConfigError) {
        let name = try value.typeMember(at: path, noun: "an optimizer").choice(of: Name.self, at: path + ".type", noun: "optimizer")
        switch name {
        case .sgd:
            let reader = try ObjectReader(value, at: path, allowedKeys: ["type", "learning_rate", "momentum", "nesterov", "weight_decay"])
            let sgd = SGDConfig(
                learningRate: try reader.float("learning_rate", in: .positive),
                momentum: try reader.float("momentum", in: .fraction, default: 0),
                nesterov: try reader.boolean("nesterov", default: false),
                weightDecay: try reader.float("weight_decay", in: .nonNegative, default: 0))
            if sgd.nesterov, sgd.momentum == 0 {
                throw ConfigError(path: reader.path(of: "nesterov"), "Nesterov momentum needs \"momentum\" > 0, got momentum 0")
            }
            self = .sgd(sgd)
        case .adam, .adamw:
            let reader = try ObjectReader(
                value, at: path, allowedKeys: ["type", "learning_rate", "beta1", "beta2", "epsilon", "weight_decay"])
            let adam = AdamConfig(
                learningRate: try reader.float("learning_rate", in: .positive, default: 0.001),
                beta1: try reader.float("beta1", in: .fraction, default: 0.9),
                beta2: try reader.float("beta2", in: .fraction, default: 0.999),
                epsilon: try reader.float("epsilon", in: .positive, default: 1e-8),
                weightDecay: try reader.float("weight_decay", in: .nonNegative, default: name == .adamw ? 0.01 : 0))
            self = name == .adam ? .adam(adam) : .adamw(adam)
        }
    }

    var json: JSONValue {
        switch self {
        case .sgd(let sgd):
            .object([JSONMember("type", .string("sgd")), JSONMember("learning_rate", .float(sgd.learningRate)),
                     JSONMember("momentum", .float(sgd.momentum)), JSONMember("nesterov", .bool(sgd.nesterov)),
                     JSONMember("weight_decay", .float(sgd.weightDecay))])
        case .adam(let adam): OptimizerConfig.json(adam, type: .adam)
        case .adamw(let adam): OptimizerConfig.json(adam, type: .adamw)
        }
    }

    private static func json(_ adam: AdamConfig, type: Name) -> JSONValue {
        .object([JSONMember("type", .string(type.rawValue)), JSONMember("learning_rate", .float(adam.learningRate)),
                 JSONMember("beta1", .float(adam.beta1)), JSONMember("beta2", .float(adam.beta2)),
                 JSONMember("epsilon", .float(adam.epsilon)), JSONMember("weight_decay", .float(adam.weightDecay))])
    }
}

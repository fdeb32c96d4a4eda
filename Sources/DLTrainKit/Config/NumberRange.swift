/// The allowed range of a real-valued config setting, and how messages name it.
enum NumberRange {
    /// x > 0.
    case positive
    /// x ≥ 0.
    case nonNegative
    /// 0 ≤ x < 1: dropout rates, momenta, Adam betas.
    case fraction
    /// 0 < x < 1: validation split.
    case openUnitInterval
    /// 0 < x ≤ 1: batch-norm momentum.
    case unitInterval
    /// Any finite number.
    case any

    /// What the message says was expected.
    var noun: String {
        switch self {
        case .positive: "a positive number"
        case .nonNegative: "a non-negative number"
        case .fraction: "a number in [0, 1)"
        case .openUnitInterval: "a number between 0 and 1 (exclusive)"
        case .unitInterval: "a number in (0, 1]"
        case .any: "a number"
        }
    }

    /// Whether `value` lies in the range.
    func contains(_ value: Double) -> Bool {
        switch self {
        case .positive: value > 0
        case .nonNegative: value >= 0
        case .fraction: value >= 0 && value < 1
        case .openUnitInterval: value > 0 && value < 1
        case .unitInterval: value > 0 && value <= 1
        case .any: true
        }
    }
}

import Engine

/// Seeded initial values, as PyTorch's defaults: Kaiming-uniform weights and uniform biases, both in
/// `±1/sqrt(fanIn)` (`kaiming_uniform_(a: √5)` reduces to that bound).
public struct ParameterInitializer {
    private var random: SplitMix64

    /// Creates an initializer whose draws depend only on `seed`.
    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// `count` values uniform in `[−1/√fanIn, 1/√fanIn)`.
    public mutating func uniformFanIn(count: Int, fanIn: Int) -> [Float] {
        let bound = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in (random.nextUnit() * 2 - 1) * bound }
    }

    /// The `<layer>.weight` of `weightShape` (its first dimension the outputs) and, when `hasBias`, the
    /// `<layer>.bias`, both drawn in `±1/√fanIn` on `engine`.
    mutating func weightAndBias(layer: String, weightShape: Shape, fanIn: Int, hasBias: Bool,
                                engine: ComputeEngine) throws -> (weight: Parameter, bias: Parameter?) {
        let outputs = weightShape[0]
        let weight = try Parameter(name: "\(layer).weight", shape: weightShape,
                                   initialValues: uniformFanIn(count: weightShape.count, fanIn: fanIn), engine: engine)
        let bias = hasBias
            ? try Parameter(name: "\(layer).bias", shape: Shape(outputs),
                            initialValues: uniformFanIn(count: outputs, fanIn: fanIn), engine: engine)
            : nil
        return (weight, bias)
    }
}

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
}

/// The data pipeline's counter-based random numbers: SplitMix64 seeded from a tuple of integers.
///
/// Seeding from `(seed, epoch, sample)` makes every draw independent of thread timing and visiting order.
struct DataRandom {
    private var state: UInt64

    /// A stream for the given key; different keys give unrelated streams.
    init(_ keys: UInt64...) {
        var state: UInt64 = 0x243F_6A88_85A3_08D3
        for key in keys { state = Self.mix(state ^ Self.mix(key &+ 0x9E37_79B9_7F4A_7C15)) }
        self.state = state
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform integer in `0..<bound` (multiply-shift; the bias is below 2⁻³² for the bounds used here).
    mutating func below(_ bound: Int) -> Int {
        Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Shuffles `values` in place (Fisher–Yates).
    mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

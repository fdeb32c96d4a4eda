/// The counter-based random numbers behind `dropoutMask`, identical on every engine.
///
/// A SplitMix64-style finaliser of `seed ^ index·golden`, reduced to 24 bits: OpenCL kernels compute the same
/// integer arithmetic on 32-bit halves (`ulong` in OpenCL C), so masks agree bit for bit.
public enum DropoutHash {
    /// A uniform number in `[0, 1)` for element `index` of the draw `seed`.
    @inlinable
    public static func uniform(seed: UInt64, index: UInt64) -> Float {
        var z = seed &+ index &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) * (1.0 / 16_777_216.0)
    }
}

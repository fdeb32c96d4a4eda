import Engine

extension CPUEngine {
    public func sumOfSquares(_ tensor: Tensor) throws -> Float {
        let data = try cpu(tensor).data
        let total = loop.sum(tensor.count, itemCost: 1) { range in
            // Float partials over blocks of 1024, added in double: accurate and still fast.
            var total: Double = 0
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(start + 1024, range.upperBound)
                total += Double(Self.sumOfSquares(data.base + start, count: end - start))
                start = end
            }
            return total
        }
        return Float(total)
    }

    /// `Σ values[0..<count]` with four independent accumulators.
    static func sum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
        var i = 0
        while i + 4 <= count {
            s0 += values[i]
            s1 += values[i + 1]
            s2 += values[i + 2]
            s3 += values[i + 3]
            i += 4
        }
        while i < count {
            s0 += values[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// `Σ values[i]²` over `0..<count` with four independent accumulators.
    static func sumOfSquares(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var (s0, s1, s2, s3): (Float, Float, Float, Float) = (0, 0, 0, 0)
        var i = 0
        while i + 4 <= count {
            s0 += values[i] * values[i]
            s1 += values[i + 1] * values[i + 1]
            s2 += values[i + 2] * values[i + 2]
            s3 += values[i + 3] * values[i + 3]
            i += 4
        }
        while i < count {
            s0 += values[i] * values[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}

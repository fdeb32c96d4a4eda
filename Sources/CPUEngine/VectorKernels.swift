/// Explicitly vectorised inner loops (8 floats at a time) for the elementwise work around the GEMMs, with scalar
/// tails. The build targets baseline x86-64, where the compiler rarely vectorises these loops by itself: branches
/// such as ReLU's gradient select stay scalar and mispredict on random signs.
enum VectorKernels {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// `y[i] = max(x[i] + bias, 0)` (NaN stays NaN); `y` may be `x`.
    @inline(__always)
    static func biasReLU(_ x: UnsafeMutablePointer<Float>, bias: Float, into y: UnsafeMutablePointer<Float>,
                         count: Int) {
        var i = 0
        let b = Vector(repeating: bias)
        while i &+ 8 <= count {
            let v = load(x + i) + b
            store(v.replacing(with: 0, where: v .< 0), y + i)
            i &+= 8
        }
        while i < count {
            y[i] = max(x[i] + bias, 0)
            i &+= 1
        }
    }

    /// `y[i] = x[i] + bias`; `y` may be `x`.
    @inline(__always)
    static func addScalar(_ x: UnsafeMutablePointer<Float>, _ value: Float, into y: UnsafeMutablePointer<Float>,
                          count: Int) {
        var i = 0
        let b = Vector(repeating: value)
        while i &+ 8 <= count {
            store(load(x + i) + b, y + i)
            i &+= 8
        }
        while i < count {
            y[i] = x[i] + value
            i &+= 1
        }
    }

    /// `dx[i] = y[i] > 0 ? dy[i] : 0`; `dx` may be `dy`.
    @inline(__always)
    static func reluGradient(output y: UnsafeMutablePointer<Float>, gradOutput dy: UnsafeMutablePointer<Float>,
                             into dx: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(load(dy + i).replacing(with: 0, where: .!(load(y + i) .> 0)), dx + i)
            i &+= 8
        }
        while i < count {
            dx[i] = y[i] > 0 ? dy[i] : 0
            i &+= 1
        }
    }

    /// `Σ values[0..<count]` in four vector accumulators.
    @inline(__always)
    static func sum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var (s0, s1) = (Vector(), Vector())
        var i = 0
        while i &+ 16 <= count {
            s0 += load(values + i)
            s1 += load(values + (i &+ 8))
            i &+= 16
        }
        if i &+ 8 <= count {
            s0 += load(values + i)
            i &+= 8
        }
        var total = (s0 + s1).sum()
        while i < count {
            total += values[i]
            i &+= 1
        }
        return total
    }

    /// `destination[i] = source[i]` for short spans (an image row), without a call into `memmove`.
    @inline(__always)
    static func copy(_ source: UnsafeMutablePointer<Float>, to destination: UnsafeMutablePointer<Float>,
                     count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(load(source + i), destination + i)
            i &+= 8
        }
        while i < count {
            destination[i] = source[i]
            i &+= 1
        }
    }

    /// `destination[i] = source[i]` for non-overlapping spans: spans of 8 or more end with one vector that
    /// overlaps the previous one instead of a scalar tail.
    @inline(__always)
    static func copyOverlapping(_ source: UnsafeMutablePointer<Float>, to destination: UnsafeMutablePointer<Float>,
                                count: Int) {
        guard count >= 8 else {
            for i in 0..<count { destination[i] = source[i] }
            return
        }
        var i = 0
        while i &+ 8 < count {
            store(load(source + i), destination + i)
            i &+= 8
        }
        store(load(source + (count &- 8)), destination + (count &- 8))
    }

    /// `destination[i] += source[i]`.
    @inline(__always)
    static func accumulate(_ source: UnsafeMutablePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                           count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(load(destination + i) + load(source + i), destination + i)
            i &+= 8
        }
        while i < count {
            destination[i] += source[i]
            i &+= 1
        }
    }

    /// `destination[i] = 0`.
    @inline(__always)
    static func zero(_ destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(Vector(), destination + i)
            i &+= 8
        }
        while i < count {
            destination[i] = 0
            i &+= 1
        }
    }
}

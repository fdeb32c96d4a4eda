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

    /// 2×2, stride-2 max pooling of one output row: `outputWidth` windows over input rows `top` and `top + width`
    /// (`top` is the row's first pixel, at plane offset `topOffset`). Ties keep the first in scan order (top-left,
    /// top-right, bottom-left, bottom-right); `indices` gets each maximum's plane offset as a float.
    @inline(__always)
    static func maxPool2x2Row(_ top: UnsafeMutablePointer<Float>, topOffset: Int, width: Int, outputWidth: Int,
                              into output: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Float>) {
        let bottom = top + width
        let lanes = Vector(0, 2, 4, 6, 8, 10, 12, 14)
        let (right, down, downRight) = (Vector(repeating: 1), Vector(repeating: Float(width)),
                                        Vector(repeating: Float(width + 1)))
        var ox = 0
        while ox &+ 8 <= outputWidth {
            let a = UnsafeRawPointer(top + 2 &* ox).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(bottom + 2 &* ox).loadUnaligned(as: SIMD16<Float>.self)
            let base = Vector(repeating: Float(topOffset &+ 2 &* ox)) + lanes
            var best = a.evenHalf
            var at = base
            var wins = a.oddHalf .> best
            best.replace(with: a.oddHalf, where: wins)
            at.replace(with: base + right, where: wins)
            wins = b.evenHalf .> best
            best.replace(with: b.evenHalf, where: wins)
            at.replace(with: base + down, where: wins)
            wins = b.oddHalf .> best
            best.replace(with: b.oddHalf, where: wins)
            at.replace(with: base + downRight, where: wins)
            store(best, output + ox)
            store(at, indices + ox)
            ox &+= 8
            // The last windows as one vector overlapping the previous one (rewriting equal values).
            if ox < outputWidth, ox &+ 8 > outputWidth, outputWidth >= 8 { ox = outputWidth &- 8 }
        }
        while ox < outputWidth {
            let left = 2 &* ox
            var (best, at) = (top[left], left)
            if top[left &+ 1] > best { (best, at) = (top[left &+ 1], left &+ 1) }
            if bottom[left] > best { (best, at) = (bottom[left], left &+ width) }
            if bottom[left &+ 1] > best { (best, at) = (bottom[left &+ 1], left &+ width &+ 1) }
            output[ox] = best
            indices[ox] = Float(topOffset &+ at)
            ox &+= 1
        }
    }

    /// The backward pass of `maxPool2x2Row`: writes both input rows of `outputWidth` windows, each window's
    /// maximum (its plane offset in `indices`) getting `gradOutput` and the other three pixels 0.
    @inline(__always)
    static func maxPool2x2BackwardRow(_ gradOutput: UnsafeMutablePointer<Float>,
                                      indices: UnsafeMutablePointer<Float>, topOffset: Int, width: Int,
                                      outputWidth: Int, into top: UnsafeMutablePointer<Float>) {
        let bottom = top + width
        let lanes = Vector(0, 2, 4, 6, 8, 10, 12, 14)
        let (down, downRight) = (Vector(repeating: Float(width)), Vector(repeating: Float(width + 1)))
        var ox = 0
        while ox &+ 8 <= outputWidth {
            // Offsets inside each window: 0, 1, width or width + 1 (exact in float32).
            let at = load(indices + ox) - (Vector(repeating: Float(topOffset &+ 2 &* ox)) + lanes)
            let gradient = load(gradOutput + ox)
            var upper = SIMD16<Float>()
            var lower = SIMD16<Float>()
            upper.evenHalf = Vector().replacing(with: gradient, where: at .== 0)
            upper.oddHalf = Vector().replacing(with: gradient, where: at .== 1)
            lower.evenHalf = Vector().replacing(with: gradient, where: at .== down)
            lower.oddHalf = Vector().replacing(with: gradient, where: at .== downRight)
            UnsafeMutableRawPointer(top + 2 &* ox).storeBytes(of: upper, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(bottom + 2 &* ox).storeBytes(of: lower, as: SIMD16<Float>.self)
            ox &+= 8
        }
        while ox < outputWidth {
            let left = 2 &* ox
            top[left] = 0
            top[left &+ 1] = 0
            bottom[left] = 0
            bottom[left &+ 1] = 0
            // The maximum's plane offset is inside this window's two rows.
            top[Int(indices[ox]) &- topOffset] = gradOutput[ox]
            ox &+= 1
        }
    }
}

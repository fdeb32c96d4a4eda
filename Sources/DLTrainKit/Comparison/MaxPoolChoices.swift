import Engine

/// The maxima a network's max-pool layers chose in its latest training forward pass, on the host: per layer, each
/// window's position `y·W + x` inside its plane, in the order of the layer's output `[N, C, OH, OW]`.
///
/// Engines that add in another order can differ in the last bits of a pool's input, and where a window holds two
/// near-equal values they pick different maxima and route that window's gradient to different pixels. Imposing
/// one engine's choices on another tells such ties from a real disagreement.
struct MaxPoolChoices {
    let layers: [(name: String, positions: [Float])]

    /// What imposing one engine's choices on another's pass found.
    struct Imposition {
        /// Max-pool windows, over every max-pool layer and sample.
        var windows = 0
        /// Windows where the pass had chosen another position than the imposed one.
        var rerouted = 0
        /// Of those, the near-ties: both positions inside the window, the pass's own value the larger, by at most
        /// the tolerance relative to the largest magnitude of the layer's input in the pass.
        var nearTies = 0
        /// Whether the pass had chosen, before the imposition, exactly the positions it was expected to repeat.
        var repeatedOwnChoices = true
    }

    /// The choices `network` recorded in its latest training forward pass.
    init(network: Network) throws {
        layers = try network.layers.compactMap { layer in
            guard let pool = layer as? Pool2D, let maxima = pool.recordedMaxima else { return nil }
            return (pool.name, try network.engine.download(maxima.positions))
        }
    }

    /// Replaces the maxima `network` recorded in its latest training forward pass (the same layers, on another
    /// engine) by these, so that its backward pass routes every window's gradient as they do; checks first that
    /// the pass had chosen what `ownChoices` (an earlier pass of `network` on the same batch) holds, and counts the
    /// windows it chose differently from these and the near-ties among them.
    func impose(on network: Network, repeating ownChoices: MaxPoolChoices, tolerance: Double) throws -> Imposition {
        let pools = network.layers.compactMap { $0 as? Pool2D }.filter { $0.recordedMaxima != nil }
        precondition(pools.map(\.name) == layers.map(\.name), "the same network on both engines")
        var result = Imposition()
        for (index, (pool, imposed)) in zip(pools, layers).enumerated() {
            guard let maxima = pool.recordedMaxima else { continue }
            let input = try network.engine.download(maxima.input)
            let own = try network.engine.download(maxima.positions)
            if own != ownChoices.layers[index].positions { result.repeatedOwnChoices = false }
            let limit = tolerance * max(input.reduce(0) { max($0, abs(Double($1))) }, 1e-12)
            let geometry = pool.geometry
            let (planeIn, planeOut) = (geometry.height * geometry.width, geometry.outputHeight * geometry.outputWidth)
            result.windows += own.count
            for (window, (mine, theirs)) in zip(own, imposed.positions).enumerated() where mine != theirs {
                result.rerouted += 1
                let cell = window % planeOut
                let top = cell / geometry.outputWidth * geometry.stride - geometry.padding
                let left = cell % geometry.outputWidth * geometry.stride - geometry.padding
                // The input value at `position` when it lies inside this window (NaN fails the bounds).
                func value(at position: Float) -> Double? {
                    guard position >= 0, position < Float(planeIn) else { return nil }
                    let (y, x) = (Int(position) / geometry.width, Int(position) % geometry.width)
                    guard (top..<top + geometry.size).contains(y), (left..<left + geometry.size).contains(x) else {
                        return nil
                    }
                    return Double(input[window / planeOut * planeIn + Int(position)])
                }
                guard let a = value(at: mine), let b = value(at: theirs) else { continue }
                if a >= b, a - b <= limit { result.nearTies += 1 }
            }
            try imposed.positions.withUnsafeBufferPointer { try network.engine.upload($0, to: maxima.positions) }
        }
        return result
    }
}

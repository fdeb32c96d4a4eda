import Engine

/// The maxima a network's max-pool layers chose in its latest training forward pass, on the host: per layer, each
/// window's position `y·W + x` inside its plane, in the order of the layer's output `[N, C, OH, OW]`.
///
/// Engines that add in another order can differ in the last bits of a pool's input, and where a window holds two
/// near-equal values they pick different maxima and route that window's gradient to different pixels. Imposing
/// one engine's choices on another tells such ties from a real disagreement.
struct MaxPoolChoices {
    let layers: [(name: String, positions: [Float])]

    /// The choices `network` recorded in its latest training forward pass.
    init(network: Network) throws {
        layers = try network.layers.compactMap { layer in
            guard let pool = layer as? Pool2D, let maxima = pool.recordedMaxima else { return nil }
            return (pool.name, try network.engine.download(maxima.positions))
        }
    }

    /// Replaces the maxima `network` recorded in its latest training forward pass (the same layers, on another
    /// engine) by these, so that its backward pass routes every window's gradient as they do. Returns how many
    /// windows there are, how many it chose differently, and how many of those are near-ties: windows whose two
    /// positions hold values, in `network`'s own input of that layer, within `tolerance` of each other relative to
    /// that input's largest magnitude (the measure of `Snapshot.relativeDifference`).
    func impose(on network: Network, tolerance: Double) throws -> (windows: Int, rerouted: Int, nearTies: Int) {
        let pools = network.layers.compactMap { $0 as? Pool2D }.filter { $0.recordedMaxima != nil }
        precondition(pools.map(\.name) == layers.map(\.name), "the same network on both engines")
        var (windows, rerouted, nearTies) = (0, 0, 0)
        for (pool, imposed) in zip(pools, layers) {
            guard let maxima = pool.recordedMaxima else { continue }
            let input = try network.engine.download(maxima.input)
            let own = try network.engine.download(maxima.positions)
            let scale = input.reduce(0) { max($0, abs(Double($1))) }
            let planeIn = pool.inputShape[1] * pool.inputShape[2]
            let planeOut = pool.outputShape[1] * pool.outputShape[2]
            windows += own.count
            for (window, (mine, theirs)) in zip(own, imposed.positions).enumerated() where mine != theirs {
                rerouted += 1
                let plane = window / planeOut * planeIn
                func value(at position: Float) -> Double? {
                    guard position >= 0, position < Float(planeIn) else { return nil }  // NaN fails both
                    return Double(input[plane + Int(position)])
                }
                guard let a = value(at: mine), let b = value(at: theirs) else { continue }
                if abs(a - b) <= tolerance * max(scale, 1e-12) { nearTies += 1 }
            }
            try imposed.positions.withUnsafeBufferPointer { try network.engine.upload($0, to: maxima.positions) }
        }
        return (windows, rerouted, nearTies)
    }
}

import Engine
import Foundation

/// Accumulates synchronised per-layer forward and backward times (`caffe time`'s measurement).
public final class LayerProfiler {
    /// Which pass a time belongs to.
    public enum Pass { case forward, backward }

    /// Seconds spent per layer index in the forward pass.
    public private(set) var forwardSeconds: [Double]
    /// Seconds spent per layer index in the backward pass.
    public private(set) var backwardSeconds: [Double]

    /// Creates a profiler for a network of `layerCount` layers.
    public init(layerCount: Int) {
        forwardSeconds = Array(repeating: 0, count: layerCount)
        backwardSeconds = Array(repeating: 0, count: layerCount)
    }

    /// Clears the accumulated times.
    public func reset() {
        forwardSeconds = forwardSeconds.map { _ in 0 }
        backwardSeconds = backwardSeconds.map { _ in 0 }
    }

    /// Waits for queued work and returns the start time of a layer's pass.
    func begin(_ engine: ComputeEngine) throws -> UInt64 {
        try engine.synchronize()
        return DispatchTime.now().uptimeNanoseconds
    }

    /// Waits for the layer's work and adds its time.
    func end(_ engine: ComputeEngine, layer: Int, pass: Pass, since start: UInt64) throws {
        try engine.synchronize()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        switch pass {
        case .forward: forwardSeconds[layer] += seconds
        case .backward: backwardSeconds[layer] += seconds
        }
    }
}

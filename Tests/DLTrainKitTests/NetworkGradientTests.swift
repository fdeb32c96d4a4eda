import CPUEngine
import Engine
import XCTest
@testable import DLTrainKit

/// The whole chain, loss included: finite differences of the mean softmax cross-entropy of a small network with
/// respect to its parameters against `computeGradients`.
final class NetworkGradientTests: XCTestCase {
    func testNetworkLossGradientMatchesFiniteDifferences() throws {
        let network = try build("""
            { "type": "conv", "filters": 3, "size": 3, "padding": 1, "activation": "tanh" },
            { "type": "avgpool", "size": 2 },
            { "type": "batchnorm" },
            { "type": "dense", "units": 5, "activation": "sigmoid" },
            { "type": "dense", "units": 4 }
            """)
        XCTAssertEqual(network.layers.map(\.computesInputGradient), [false, true, true, true, true])
        try assertGradientsMatchFiniteDifferences(network)
    }

    /// Layers without parameters before the first that has some get no backward pass, and that first one computes
    /// no input gradient; the parameters' gradients are as exact as ever.
    func testNoGradientFlowsBelowTheFirstLayerWithParameters() throws {
        let network = try build("""
            { "type": "avgpool", "size": 2 },
            { "type": "relu" },
            { "type": "flatten" },
            { "type": "dense", "units": 5, "activation": "sigmoid" },
            { "type": "dense", "units": 4 }
            """)
        XCTAssertEqual(network.layers.map(\.computesInputGradient), [false, false, false, false, true])
        let profiler = LayerProfiler(layerCount: 5)
        network.profiler = profiler
        _ = try network.computeGradients(images: [Float](repeating: 0.5, count: 3 * 108), labels: [0, 1, 2], batch: 3)
        network.profiler = nil
        XCTAssertEqual(profiler.backwardSeconds[..<3], [0, 0, 0], "no backward pass below dense1")
        XCTAssertTrue(profiler.backwardSeconds[3...].allSatisfy { $0 > 0 }, "\(profiler.backwardSeconds)")
        try assertGradientsMatchFiniteDifferences(network)
    }

    /// Batch norm first ends the backward pass: it returns the output gradient itself, writing no input gradient,
    /// and its dγ and dβ are those it computes along with the input gradient.
    func testBatchNormFirstComputesNoInputGradient() throws {
        let network = try build("""
            { "type": "batchnorm" },
            { "type": "conv", "filters": 2, "size": 3, "padding": 1, "activation": "tanh" },
            { "type": "flatten" },
            { "type": "dense", "units": 4 }
            """)
        XCTAssertEqual(network.layers.map(\.computesInputGradient), [false, true, true, true])
        try assertGradientsMatchFiniteDifferences(network)

        let batchNorm = network.layers[0]
        var random = SplitMix64(seed: 12)
        let gradOutput = try engine.makeTensor(batchNorm.outputShape.batched(3), label: "dy")
        let values = (0..<(3 * 108)).map { _ in random.nextUnit() * 2 - 1 }
        try values.withUnsafeBufferPointer { try engine.upload($0, to: gradOutput) }
        XCTAssertTrue(try batchNorm.backward(gradOutput) === gradOutput, "no input gradient buffer")
        let parameterGradients = try batchNorm.parameters.map { try engine.download($0.gradient) }
        batchNorm.computesInputGradient = true
        XCTAssertFalse(try batchNorm.backward(gradOutput) === gradOutput)
        XCTAssertEqual(try batchNorm.parameters.map { try engine.download($0.gradient) }, parameterGradients)
    }

    private let engine = CPUEngine(threads: 2)

    /// A network of `layers` (JSON objects) on 3×6×6 inputs.
    private func build(_ layers: String) throws -> Network {
        let config = try Config(jsonData: Data("""
            {
              "name": "gradient",
              "data": { "train": "unused", "input": { "width": 6, "height": 6, "channels": 3 } },
              "network": [ \(layers) ],
              "training": { "epochs": 1, "batch_size": 3, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }
            }
            """.utf8))
        return try NetworkBuilder.build(layers: config.network, inputShape: Shape(3, 6, 6), seed: 5, engine: engine)
    }

    /// Central differences of the loss of a batch of 3 against `computeGradients`, for six entries of every
    /// parameter.
    private func assertGradientsMatchFiniteDifferences(_ network: Network, line: UInt = #line) throws {
        var random = SplitMix64(seed: 11)
        let images = (0..<(3 * 108)).map { _ in random.nextUnit() * 2 - 1 }
        let labels: [Float] = [0, 3, 1]

        _ = try network.computeGradients(images: images, labels: labels, batch: 3)
        let analytic = try network.parameters.map { try engine.download($0.gradient) }
        let step: Float = 1e-2
        for (parameter, gradient) in zip(network.parameters, analytic) {
            var values = try engine.download(parameter.value)
            for index in Swift.stride(from: 0, to: values.count, by: max(1, values.count / 6)) {
                let original = values[index]
                func loss(at value: Float) throws -> Double {
                    values[index] = value
                    try values.withUnsafeBufferPointer { try engine.upload($0, to: parameter.value) }
                    return Double(try network.computeGradients(images: images, labels: labels, batch: 3).loss)
                }
                let numeric = (try loss(at: original + step) - loss(at: original - step)) / (2 * Double(step))
                _ = try loss(at: original)
                let scale = max(1e-2, abs(numeric), abs(Double(gradient[index])))
                XCTAssertEqual(Double(gradient[index]), numeric, accuracy: 3e-2 * scale,
                               "\(parameter.name)[\(index)]", line: line)
            }
        }
    }
}

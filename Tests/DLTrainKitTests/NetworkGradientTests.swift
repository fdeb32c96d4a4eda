import CPUEngine
import Engine
import XCTest
@testable import DLTrainKit

/// The whole chain, loss included: finite differences of the mean softmax cross-entropy of a small network with
/// respect to its parameters against `computeGradients`.
final class NetworkGradientTests: XCTestCase {
    func testNetworkLossGradientMatchesFiniteDifferences() throws {
        let engine = CPUEngine(threads: 2)
        let config = try Config(jsonData: Data("""
            {
              "name": "gradient",
              "data": { "train": "unused", "input": { "width": 6, "height": 6, "channels": 3 } },
              "network": [
                { "type": "conv", "filters": 3, "size": 3, "padding": 1, "activation": "tanh" },
                { "type": "avgpool", "size": 2 },
                { "type": "batchnorm" },
                { "type": "dense", "units": 5, "activation": "sigmoid" },
                { "type": "dense", "units": 4 }
              ],
              "training": { "epochs": 1, "batch_size": 3, "optimizer": { "type": "sgd", "learning_rate": 0.1 } }
            }
            """.utf8))
        let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(3, 6, 6), seed: 5,
                                               engine: engine)
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
                               "\(parameter.name)[\(index)]")
            }
        }
    }
}

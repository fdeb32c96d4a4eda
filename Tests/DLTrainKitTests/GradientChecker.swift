import Engine
import XCTest
@testable import DLTrainKit

/// Caffe's recipe: central finite differences of `L = Σ r ⊙ layer(x)` (fixed random `r`) against the layer's
/// backward pass, for inputs and every parameter, computed in float32 on the engine and summed in Double.
struct GradientChecker {
    var step: Float = 1e-2
    var tolerance: Double = 2e-2
    /// At most this many entries per tensor are perturbed (spread evenly), to keep the suite fast.
    var samplesPerTensor = 40

    func check(_ layer: Layer, input: [Float], batch: Int, engine: ComputeEngine, training: Bool = true,
               file: StaticString = #filePath, line: UInt = #line) throws {
        try layer.prepare(batch: batch)
        layer.computesInputGradient = true
        let inputTensor = try engine.makeTensor(layer.inputShape.batched(batch), label: "x")
        try upload(input, to: inputTensor, engine)
        let outputCount = layer.outputShape.count * batch
        var random = SplitMix64(seed: 99)
        let weights = (0..<outputCount).map { _ in random.nextUnit() * 2 - 1 }

        func loss() throws -> Double {
            let output = try engine.download(try layer.forward(inputTensor, training: training))
            return zip(output, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        _ = try layer.forward(inputTensor, training: training)
        let gradOutput = try engine.makeTensor(layer.outputShape.batched(batch), label: "dy")
        try upload(weights, to: gradOutput, engine)
        let inputGradient = try engine.download(try layer.backward(gradOutput))
        let parameterGradients = try layer.parameters.map { try engine.download($0.gradient) }

        var values = input
        try compare(name: "\(layer.name) input", analytic: inputGradient, values: &values, file: file, line: line) {
            try upload($0, to: inputTensor, engine)
            return try loss()
        }
        try upload(input, to: inputTensor, engine)
        for (parameter, analytic) in zip(layer.parameters, parameterGradients) {
            var values = try engine.download(parameter.value)
            try compare(name: parameter.name, analytic: analytic, values: &values, file: file, line: line) {
                try upload($0, to: parameter.value, engine)
                return try loss()
            }
        }
    }

    private func compare(name: String, analytic: [Float], values: inout [Float], file: StaticString, line: UInt,
                         evaluate: ([Float]) throws -> Double) throws {
        XCTAssertEqual(analytic.count, values.count, name, file: file, line: line)
        let stride = max(1, values.count / samplesPerTensor)
        for index in Swift.stride(from: 0, to: values.count, by: stride) {
            let original = values[index]
            values[index] = original + step
            let plus = try evaluate(values)
            values[index] = original - step
            let minus = try evaluate(values)
            values[index] = original
            _ = try evaluate(values)
            let numeric = (plus - minus) / (2 * Double(step))
            let exact = Double(analytic[index])
            let scale = max(1, abs(numeric), abs(exact))
            XCTAssertLessThanOrEqual(abs(numeric - exact) / scale, tolerance,
                                     "\(name)[\(index)]: backward \(exact), finite difference \(numeric)",
                                     file: file, line: line)
        }
    }

    private func upload(_ values: [Float], to tensor: Tensor, _ engine: ComputeEngine) throws {
        try values.withUnsafeBufferPointer { try engine.upload($0, to: tensor) }
    }
}

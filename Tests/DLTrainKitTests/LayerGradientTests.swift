import CPUEngine
import Engine
import XCTest
@testable import DLTrainKit

/// Finite-difference gradient checks of every layer on the CPU engine (OpenCLLayerGradientTests repeats them).
class LayerGradientTests: XCTestCase {
    /// The engine the checks run on; subclasses override it.
    class func makeEngine() throws -> ComputeEngine { CPUEngine(threads: 2) }

    nonisolated(unsafe) private static var sharedEngines: [ObjectIdentifier: ComputeEngine] = [:]
    var engine: ComputeEngine!
    let checker = GradientChecker()

    override func setUpWithError() throws {
        let key = ObjectIdentifier(type(of: self))
        if let existing = Self.sharedEngines[key] {
            engine = existing
        } else {
            engine = try type(of: self).makeEngine()
            Self.sharedEngines[key] = engine
        }
    }

    /// Uniform values in ±scale.
    func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in (random.nextUnit() * 2 - 1) * scale }
    }

    /// Distinct values spaced ≥ 0.05 apart in a shuffled order, so max pooling has no near-ties.
    func distinctValues(_ count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { Float($0) * 0.05 - Float(count) * 0.025 }.shuffled(using: &random)
    }

    /// Values whose magnitude is at least 0.1, away from the ReLU kink.
    func offKinkValues(_ count: Int, seed: UInt64) -> [Float] {
        randomValues(count, seed: seed).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
    }

    func testConvolutionWithBias() throws {
        var initializer = ParameterInitializer(seed: 1)
        let layer = try Conv2D(name: "conv", inputShape: Shape(3, 7, 6), filters: 4, size: 3, stride: 2,
                               padding: 1, bias: true, activation: nil, engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(2 * 3 * 7 * 6, seed: 2), batch: 2, engine: engine)
    }

    func testConvolutionOneByOneWithoutBiasWithTanh() throws {
        var initializer = ParameterInitializer(seed: 3)
        let layer = try Conv2D(name: "conv", inputShape: Shape(5, 3, 4), filters: 3, size: 1, stride: 1,
                               padding: 0, bias: false, activation: .tanh, engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(3 * 5 * 3 * 4, seed: 4), batch: 3, engine: engine)
    }

    func testConvolutionFiveByFivePaddedWithSigmoid() throws {
        var initializer = ParameterInitializer(seed: 5)
        let layer = try Conv2D(name: "conv", inputShape: Shape(2, 6, 6), filters: 3, size: 5, stride: 1,
                               padding: 2, bias: true, activation: .sigmoid, engine: engine,
                               initializer: &initializer)
        try checker.check(layer, input: randomValues(1 * 2 * 6 * 6, seed: 6), batch: 1, engine: engine)
    }

    /// 16 channels and 16 filters, stride 1: the CPU engine's Winograd path (F(4×4, 3×3)), tiles overhanging 5×7.
    func testConvolutionWinogradThreeByThree() throws {
        var initializer = ParameterInitializer(seed: 21)
        let layer = try Conv2D(name: "conv", inputShape: Shape(16, 5, 7), filters: 16, size: 3, stride: 1,
                               padding: 1, bias: true, activation: .tanh, engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(2 * 16 * 5 * 7, seed: 22), batch: 2, engine: engine)
    }

    /// The Winograd path's F(4×4, 5×5), unpadded.
    func testConvolutionWinogradFiveByFive() throws {
        var initializer = ParameterInitializer(seed: 23)
        let layer = try Conv2D(name: "conv", inputShape: Shape(16, 8, 9), filters: 16, size: 5, stride: 1,
                               padding: 0, bias: false, activation: nil, engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(2 * 16 * 8 * 9, seed: 24), batch: 2, engine: engine)
    }

    /// 5×5 stride 2 over 4 channels: the CPU engine splits it into a 3×3 Winograd layer over 16 phase channels
    /// (the split kernel's last row and column of taps are zeros).
    func testConvolutionStridedPhaseSplit() throws {
        var initializer = ParameterInitializer(seed: 25)
        let layer = try Conv2D(name: "conv", inputShape: Shape(4, 9, 8), filters: 16, size: 5, stride: 2,
                               padding: 2, bias: true, activation: .tanh, engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(2 * 4 * 9 * 8, seed: 26), batch: 2, engine: engine)
    }

    func testDenseOnImageInput() throws {
        var initializer = ParameterInitializer(seed: 7)
        let layer = try Dense(name: "dense", inputShape: Shape(2, 3, 3), units: 5, bias: true, activation: .tanh,
                              engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(3 * 18, seed: 8), batch: 3, engine: engine)
    }

    /// At most 16 samples and 256+ inputs: the CPU engine's one-sweep backward (tail columns, 17 weight rows).
    func testDenseSmallBatchWide() throws {
        var initializer = ParameterInitializer(seed: 27)
        let layer = try Dense(name: "dense", inputShape: Shape(300), units: 17, bias: true, activation: .sigmoid,
                              engine: engine, initializer: &initializer)
        try checker.check(layer, input: randomValues(3 * 300, seed: 28), batch: 3, engine: engine)
    }

    func testMaxPoolWithOverlappingWindows() throws {
        let layer = Pool2D(name: "pool", method: .max, inputShape: Shape(2, 7, 7), size: 3, stride: 2,
                           padding: 0, engine: engine)
        try checker.check(layer, input: distinctValues(2 * 2 * 49, seed: 9), batch: 2, engine: engine)
    }

    func testMaxPoolWithPadding() throws {
        let layer = Pool2D(name: "pool", method: .max, inputShape: Shape(1, 5, 5), size: 2, stride: 2,
                           padding: 1, engine: engine)
        try checker.check(layer, input: distinctValues(2 * 25, seed: 10), batch: 2, engine: engine)
    }

    func testAveragePool() throws {
        let layer = Pool2D(name: "pool", method: .average, inputShape: Shape(2, 5, 6), size: 3, stride: 2,
                           padding: 1, engine: engine)
        try checker.check(layer, input: randomValues(2 * 2 * 30, seed: 11), batch: 2, engine: engine)
    }

    func testGlobalAveragePool() throws {
        let layer = try GlobalAvgPool(name: "gap", inputShape: Shape(3, 4, 5), engine: engine)
        try checker.check(layer, input: randomValues(2 * 60, seed: 12), batch: 2, engine: engine)
    }

    func testActivations() throws {
        for activation in [Activation.relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh] {
            let layer = ActivationLayer(name: "\(activation)", inputShape: Shape(3, 2, 2), activation: activation,
                                        engine: engine)
            try checker.check(layer, input: offKinkValues(2 * 12, seed: 13), batch: 2, engine: engine)
        }
    }

    func testDropoutInTraining() throws {
        let layer = Dropout(name: "dropout", inputShape: Shape(50), rate: 0.4, engine: engine)
        layer.seed = 1234
        try checker.check(layer, input: randomValues(2 * 50, seed: 14), batch: 2, engine: engine)
        let output = try engine.download(try layer.forward(try tensor(Array(repeating: 1, count: 100)),
                                                           training: true))
        let dropped = output.filter { $0 == 0 }.count
        XCTAssert((20...60).contains(dropped), "dropped \(dropped) of 100 at rate 0.4")
        XCTAssert(output.allSatisfy { $0 == 0 || abs($0 - 1 / 0.6) < 1e-5 })
    }

    func testBatchNormOnImages() throws {
        let layer = try BatchNorm(name: "bn", inputShape: Shape(3, 2, 3), epsilon: 1e-5, momentum: 0.1,
                                  engine: engine)
        try checker.check(layer, input: randomValues(4 * 18, seed: 15), batch: 4, engine: engine)
    }

    func testBatchNormOnFeatures() throws {
        let layer = try BatchNorm(name: "bn", inputShape: Shape(6), epsilon: 1e-5, momentum: 0.1, engine: engine)
        try checker.check(layer, input: randomValues(5 * 6, seed: 16), batch: 5, engine: engine)
    }

    func testFlattenPassesGradientThrough() throws {
        let layer = Flatten(name: "flatten", inputShape: Shape(2, 3, 3))
        try checker.check(layer, input: randomValues(2 * 18, seed: 17), batch: 2, engine: engine)
    }

    private func tensor(_ values: [Float]) throws -> Tensor {
        let made = try engine.makeTensor(Shape(values.count), label: "t")
        try values.withUnsafeBufferPointer { try engine.upload($0, to: made) }
        return made
    }
}

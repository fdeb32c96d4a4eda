import CPUEngine
import Engine
import XCTest

/// Activations, multiply, dropout masks and the sum of squares; sizes span one and several threads' chunks.
final class CPUEngineElementwiseTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)
    private let activations: [Activation] = [.relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh]

    /// Forward within 1e-6 relative (libm's float exp/tanh against double); backward is exact arithmetic.
    func testActivationsAndTheirGradientsMatchNaive() throws {
        var random = TestRandom(seed: 30)
        for count in [1, 17, 100_003] {
            let input = random.floats(count, in: -6...6)
            let gradOutput = random.floats(count)
            for activation in activations {
                let output = try engine.poisoned(Shape(count))
                try engine.activate(activation, try engine.tensor(input, Shape(count)), into: output)
                let forward = try engine.download(output)
                assertClose(forward, NaiveReference.activate(activation, input), tolerance: 1e-6, "\(activation)")

                let gradInput = try engine.poisoned(Shape(count))
                try engine.activationBackward(activation, output: output,
                                              gradOutput: try engine.tensor(gradOutput, Shape(count)),
                                              into: gradInput)
                assertClose(try engine.download(gradInput), NaiveReference.activationBackward(
                    activation, output: forward, gradOutput: gradOutput), tolerance: 1e-6, "\(activation)′")
            }
        }
    }

    func testActivationInPlace() throws {
        let tensor = try engine.tensor([-2, -0.5, 0, 0.5, 2], Shape(5))
        try engine.activate(.relu, tensor, into: tensor)
        XCTAssertEqual(try engine.download(tensor), [0, 0, 0, 0.5, 2])
        try engine.activationBackward(.relu, output: tensor, gradOutput: tensor, into: tensor)
        XCTAssertEqual(try engine.download(tensor), [0, 0, 0, 0.5, 2])
    }

    func testSigmoidSaturatesWithoutNaN() throws {
        let output = try engine.poisoned(Shape(2))
        try engine.activate(.sigmoid, try engine.tensor([-200, 200], Shape(2)), into: output)
        XCTAssertEqual(try engine.download(output), [0, 1])
    }

    func testMultiplyMatchesNaive() throws {
        var random = TestRandom(seed: 31)
        let (a, b) = (random.floats(70_001), random.floats(70_001))
        let output = try engine.poisoned(Shape(a.count))
        try engine.multiply(try engine.tensor(a, Shape(a.count)), try engine.tensor(b, Shape(b.count)), into: output)
        XCTAssertEqual(try engine.download(output), zip(a, b).map(*))
    }

    func testDropoutMaskUsesTheSharedHash() throws {
        for (count, rate, seed) in [(1, Float(0.5), UInt64(0)), (99_999, 0.4, 12_345), (1_000, 0, 7)] {
            let mask = try engine.poisoned(Shape(count))
            try engine.dropoutMask(mask, rate: rate, seed: seed)
            let values = try engine.download(mask)
            XCTAssertEqual(values, NaiveReference.dropoutMask(count: count, rate: rate, seed: seed))
            if count > 10_000 {
                let keptFraction = Float(values.filter { $0 > 0 }.count) / Float(count)
                XCTAssertEqual(keptFraction, 1 - rate, accuracy: 0.01)
            }
        }
    }

    /// Within 1e-5 relative; non-finite elements propagate.
    func testSumOfSquares() throws {
        var random = TestRandom(seed: 32)
        for count in [1, 5, 300_007] {
            let values = random.floats(count)
            let result = try engine.sumOfSquares(try engine.tensor(values, Shape(count)))
            assertClose([result], [NaiveReference.sumOfSquares(values)], tolerance: 1e-5, "\(count)")
        }
        XCTAssertTrue(try engine.sumOfSquares(try engine.tensor([1, .nan, 2], Shape(3))).isNaN)
        XCTAssertEqual(try engine.sumOfSquares(try engine.tensor([1, .infinity], Shape(2))), .infinity)
    }
}

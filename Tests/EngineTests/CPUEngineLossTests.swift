import CPUEngine
import Engine
import XCTest

/// Softmax cross-entropy against the double-precision reference: loss and gradient within 1e-5 relative.
final class CPUEngineLossTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)

    func testMatchesNaiveOnRandomLogits() throws {
        var random = TestRandom(seed: 50)
        for (batch, classes) in [(1, 1), (1, 10), (7, 3), (64, 10), (300, 1_000)] {
            let logits = random.floats(batch * classes, in: -8...8)
            let labels = random.labels(batch, below: classes)
            let grad = try engine.poisoned(Shape(batch, classes))
            let result = try engine.softmaxCrossEntropy(
                logits: try engine.tensor(logits, Shape(batch, classes)),
                labels: try engine.tensor(labels, Shape(batch)),
                batch: batch, classes: classes, gradLogits: grad)
            let expected = NaiveReference.softmaxCrossEntropy(logits: logits, labels: labels, batch: batch,
                                                              classes: classes)
            assertClose([result.loss], [expected.loss], tolerance: 1e-5, "loss \(batch)×\(classes)")
            XCTAssertEqual(result.correct, expected.correct, "\(batch)×\(classes)")
            assertClose(try engine.download(grad), expected.gradLogits, tolerance: 1e-5, "grad \(batch)×\(classes)")
        }
    }

    /// Huge logits overflow a naive `exp`; subtracting the maximum keeps the loss finite and exact here.
    func testIsStableForHugeLogits() throws {
        let grad = try engine.poisoned(Shape(2, 2))
        let result = try engine.softmaxCrossEntropy(
            logits: try engine.tensor([1_000, 0, -1_000, -1_000], Shape(2, 2)),
            labels: try engine.tensor([1, 0], Shape(2)), batch: 2, classes: 2, gradLogits: grad)
        // Sample 0 misses by 1000 (loss 1000), sample 1 is a tie (loss ln 2, counted correct: first maximum).
        XCTAssertEqual(result.loss, (1_000 + log(2)) / 2, accuracy: 1e-3)
        XCTAssertEqual(result.correct, 1)
        assertClose(try engine.download(grad), [0.5, -0.5, -0.25, 0.25], tolerance: 1e-6)
    }

    func testRejectsLabelsOutOfRange() throws {
        let grad = try engine.poisoned(Shape(1, 3))
        for label: Float in [3, -1, 1.5, .nan] {
            XCTAssertThrowsError(try engine.softmaxCrossEntropy(
                logits: try engine.tensor([0, 0, 0], Shape(1, 3)), labels: try engine.tensor([label], Shape(1)),
                batch: 1, classes: 3, gradLogits: grad), "label \(label)")
        }
    }
}

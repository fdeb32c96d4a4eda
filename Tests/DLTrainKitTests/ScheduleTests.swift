import XCTest
@testable import DLTrainKit

/// Learning-rate schedules at chosen steps, against hand-computed values.
final class ScheduleTests: XCTestCase {
    private func schedule(_ kind: ScheduleConfig.Kind, warmup: Int = 0, epochs: Int = 10, steps: Int = 10) -> LearningRateSchedule {
        LearningRateSchedule(
            config: ScheduleConfig(kind, warmupEpochs: warmup), baseLearningRate: 0.1, epochs: epochs, stepsPerEpoch: steps)
    }

    private func assertRates(_ schedule: LearningRateSchedule, _ expected: [Int: Float], line: UInt = #line) {
        for (step, rate) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(schedule.rate(atStep: step), rate, accuracy: 1e-7, "step \(step)", line: line)
        }
    }

    func testConstant() {
        assertRates(schedule(.constant), [0: 0.1, 57: 0.1, 99: 0.1, 500: 0.1])
    }

    func testWarmUpRisesLinearlyToTheBaseRate() {
        // 2 warm-up epochs of 10 steps: step s gets 0.1·(s + 1)/20.
        assertRates(schedule(.constant, warmup: 2), [0: 0.005, 9: 0.05, 19: 0.1, 20: 0.1])
    }

    func testStepDecaysEveryStepEpochsFromTheStart() {
        // gamma 0.5 every 3 epochs: epochs 0–2 → 0.1, 3–5 → 0.05, 6–8 → 0.025, 9 → 0.0125.
        assertRates(schedule(.step(stepEpochs: 3, gamma: 0.5)), [0: 0.1, 29: 0.1, 30: 0.05, 59: 0.05, 60: 0.025, 99: 0.0125])
        // With a 1-epoch warm-up the warm-up wins in epoch 0, then the same step curve.
        assertRates(schedule(.step(stepEpochs: 3, gamma: 0.5), warmup: 1), [4: 0.05, 10: 0.1, 30: 0.05])
    }

    func testCosineAnnealsFromBaseToMinimum() {
        // 100 steps, min 0.02: rate = 0.02 + 0.08·(1 + cos(π·s/100))/2.
        assertRates(schedule(.cosine(minLearningRate: 0.02)), [
            0: 0.1, 25: 0.02 + 0.04 * (1 + 0.70710678), 50: 0.06, 75: 0.02 + 0.04 * (1 - 0.70710678),
            99: 0.02 + 0.04 * (1 + Float(cos(Double.pi * 0.99))), 100: 0.02, 1000: 0.02,
        ])
    }

    func testCosineStartsAfterWarmUp() {
        // 2 warm-up epochs of 10 steps leave 80 cosine steps: step 20 is the top, step 60 the midpoint.
        assertRates(schedule(.cosine(minLearningRate: 0), warmup: 2), [19: 0.1, 20: 0.1, 60: 0.05, 100: 0])
    }

    func testWholeRunOfWarmUpEndsAtTheBaseRate() {
        assertRates(schedule(.cosine(minLearningRate: 0), warmup: 10), [0: 0.001, 99: 0.1, 100: 0.1])
    }
}

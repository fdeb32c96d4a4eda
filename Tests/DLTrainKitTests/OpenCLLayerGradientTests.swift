import Engine
import Foundation
import OpenCLEngine
import XCTest

/// Every finite-difference layer check of `LayerGradientTests`, on the OpenCL engine (PoCL in CI).
///
/// Linux XCTest discovers only the methods a class declares, so each inherited check is re-declared here;
/// `testEveryLayerCheckIsRepeated` fails when `LayerGradientTests` gains a check this class does not repeat.
final class OpenCLLayerGradientTests: LayerGradientTests {
    override class func makeEngine() throws -> ComputeEngine { try OpenCLEngine() }

    override func testConvolutionWithBias() throws { try super.testConvolutionWithBias() }
    override func testConvolutionOneByOneWithoutBiasWithTanh() throws { try super.testConvolutionOneByOneWithoutBiasWithTanh() }
    override func testConvolutionFiveByFivePaddedWithSigmoid() throws { try super.testConvolutionFiveByFivePaddedWithSigmoid() }
    override func testConvolutionWinogradThreeByThree() throws { try super.testConvolutionWinogradThreeByThree() }
    override func testConvolutionWinogradFiveByFive() throws { try super.testConvolutionWinogradFiveByFive() }
    override func testConvolutionStridedPhaseSplit() throws { try super.testConvolutionStridedPhaseSplit() }
    override func testDenseOnImageInput() throws { try super.testDenseOnImageInput() }
    override func testDenseSmallBatchWide() throws { try super.testDenseSmallBatchWide() }
    override func testMaxPoolWithOverlappingWindows() throws { try super.testMaxPoolWithOverlappingWindows() }
    override func testMaxPoolWithPadding() throws { try super.testMaxPoolWithPadding() }
    override func testAveragePool() throws { try super.testAveragePool() }
    override func testGlobalAveragePool() throws { try super.testGlobalAveragePool() }
    override func testActivations() throws { try super.testActivations() }
    override func testDropoutInTraining() throws { try super.testDropoutInTraining() }
    override func testBatchNormOnImages() throws { try super.testBatchNormOnImages() }
    override func testBatchNormOnFeatures() throws { try super.testBatchNormOnFeatures() }
    override func testFlattenPassesGradientThrough() throws { try super.testFlattenPassesGradientThrough() }

    func testEveryLayerCheckIsRepeated() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        func testNames(in file: String, prefix: String) throws -> [String] {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return source.components(separatedBy: "\n").compactMap { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix(prefix + "test") else { return nil }
                return String(trimmed.dropFirst(prefix.count).prefix { $0.isLetter || $0.isNumber })
            }
        }
        let checks = try testNames(in: "LayerGradientTests.swift", prefix: "func ")
        XCTAssertGreaterThan(checks.count, 10)
        XCTAssertEqual(try testNames(in: "OpenCLLayerGradientTests.swift", prefix: "override func "), checks)
    }
}

import CVectorKernels
import XCTest

/// The compiled-in Winograd transform kernels (`dl_winograd_apply`): each applies `L·X·Lᵀ` with the matrix it
/// reports, on lane counts with vector tails (below 16 lanes, and shifted back over whole vectors above) and several
/// lane blocks, strided input and output.
final class WinogradTransformKernelTests: XCTestCase {
    private let roles = [DL_INPUT_FORWARD, DL_OUTPUT_FORWARD, DL_KERNEL_FORWARD, DL_OUTPUT_BACKWARD,
                         DL_INPUT_BACKWARD, DL_KERNEL_BACKWARD]

    func testEveryKernelAppliesItsMatrixOnBothSides() {
        for alpha in [6, 8] {
            for role in roles {
                let matrix = dl_transform_matrix(alpha: Int32(alpha), role: role)
                var (rows, columns): (Int32, Int32) = (0, 0)
                var values = [Float](repeating: .nan, count: 64)
                XCTAssertEqual(dl_winograd_matrix_values(matrix, &rows, &columns, &values), 1)
                let (p, q) = (Int(rows), Int(columns))
                // 49: a last vector shifted back over its predecessor; 261: a last block of 5 lanes shifted back.
                for count in [1, 17, 49, 300, 261] {
                    assertApplies(matrix, values: values, rows: p, columns: q, count: count,
                                  "α \(alpha), role \(role.rawValue), \(count) lanes")
                }
            }
        }
    }

    func testMatricesThatDoNotExistAreRefused() {
        var (rows, columns): (Int32, Int32) = (0, 0)
        var values = [Float](repeating: 0, count: 64)
        XCTAssertEqual(dl_winograd_matrix_values(dl_transform_matrix(alpha: 7, role: DL_INPUT_FORWARD),
                                                 &rows, &columns, &values), 0)
        XCTAssertEqual(dl_winograd_matrix_values(dl_transform_matrix(alpha: 6, role: dl_transform_role(rawValue: 6)),
                                                 &rows, &columns, &values), 0)
    }

    /// Runs the kernel with lane stride `count + 3` in and `count + 5` out (row strides of whole rows of those),
    /// and compares every output element with `Σ_k Σ_l L[i, k]·L[j, l]·in[k, l]` in double precision.
    private func assertApplies(_ matrix: dl_transform_matrix, values: [Float], rows p: Int, columns q: Int,
                               count: Int, _ label: String) {
        let (inColumn, outColumn) = (count + 3, count + 5)
        let (inRow, outRow) = (q * inColumn, p * outColumn)
        var generator = SystemRandomNumberGenerator()
        let input = (0..<q * inRow).map { _ in Float.random(in: -1...1, using: &generator) }
        var output = [Float](repeating: .nan, count: p * outRow)
        var scratch = [Float](repeating: 0, count: p * q * 256)
        input.withUnsafeBufferPointer { x in
            dl_winograd_apply(matrix, x.baseAddress, inRow, inColumn, &output, outRow, outColumn, count, &scratch, 256)
        }
        var worst = 0.0
        for i in 0..<p {
            for j in 0..<p {
                for t in 0..<count {
                    var expected = 0.0
                    for k in 0..<q {
                        for l in 0..<q {
                            expected += Double(values[i * q + k]) * Double(values[j * q + l])
                                * Double(input[k * inRow + l * inColumn + t])
                        }
                    }
                    worst = max(worst, abs(Double(output[i * outRow + j * outColumn + t]) - expected))
                }
            }
        }
        let scale = values.prefix(p * q).map { Double(abs($0)) }.max()! * Double(q)
        XCTAssertLessThanOrEqual(worst, 1e-5 * scale * scale, label)
    }
}

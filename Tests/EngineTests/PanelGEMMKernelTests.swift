import CVectorKernels
import XCTest

/// `dl_panel_gemm` (A packed in panels) and `dl_rows_gemm` (A row-major) against a naive product in double
/// precision: row counts with and without a partial last block of rows, column counts that take each block width
/// (64, 48, 32, 16 columns) and a partial last vector, no rows, depth or columns at all, leading dimensions wider than
/// the matrices, and C's entries outside the product left untouched.
final class PanelGEMMKernelTests: XCTestCase {
    private let shapes: [(rows: Int, depth: Int, columns: Int)] = [
        (6, 1, 16), (64, 48, 196), (192, 64, 49), (13, 7, 33), (5, 9, 64), (7, 3, 1), (12, 17, 100), (1, 5, 17),
        (384, 19, 64), (0, 3, 5), (4, 0, 20), (3, 4, 0),
    ]

    func testPanelProductsMatchANaiveReference() {
        for shape in shapes { assertProduct(shape.rows, shape.depth, shape.columns, rowMajor: false) }
    }

    func testRowProductsMatchANaiveReference() {
        for shape in shapes { assertProduct(shape.rows, shape.depth, shape.columns, rowMajor: true) }
    }

    private func assertProduct(_ rows: Int, _ depth: Int, _ columns: Int, rowMajor: Bool) {
        let (lda, ldb, ldc) = (depth + 2, columns + 3, columns + 5)
        let panelRows = Int(DL_PANEL_ROWS)
        let panelCount = (rows + panelRows - 1) / panelRows
        let a = (0..<rows * depth).map { Float(($0 * 37) % 23) / 8 - 1.3 }
        // Rows of the last panel past `rows` hold NaN: their products must never reach C.
        var panels = [Float](repeating: .nan, count: panelCount * panelRows * depth)
        // Row-major, with NaN in the padding of each row.
        var rowMajorA = [Float](repeating: .nan, count: rows * lda)
        for i in 0..<rows {
            for k in 0..<depth {
                panels[(i / panelRows) * panelRows * depth + k * panelRows + i % panelRows] = a[i * depth + k]
                rowMajorA[i * lda + k] = a[i * depth + k]
            }
        }
        // B, with the 15 readable floats past its last row that the contract asks for.
        let b = (0..<depth * ldb + 15).map { Float(($0 * 53) % 29) / 16 - 0.9 }
        var c = [Float](repeating: 7, count: rows * ldc)
        if rowMajor {
            dl_rows_gemm(Int32(rows), Int32(depth), Int32(columns), rowMajorA, lda, b, ldb, &c, ldc)
        } else {
            dl_panel_gemm(Int32(rows), Int32(depth), Int32(columns), panels, b, ldb, &c, ldc)
        }
        let what = "\(rowMajor ? "rows" : "panels"): rows \(rows) depth \(depth) columns \(columns)"
        var worst: Double = 0
        for i in 0..<rows {
            for t in 0..<ldc {
                let value = Double(c[i * ldc + t])
                if t >= columns {
                    XCTAssertEqual(value, 7, "\(what): C[\(i), \(t)] written")
                    continue
                }
                var expected: Double = 0
                for k in 0..<depth { expected += Double(a[i * depth + k]) * Double(b[k * ldb + t]) }
                worst = max(worst, abs(value - expected) / (1 + abs(expected)))
            }
        }
        XCTAssertLessThan(worst, 1e-5, what)
    }
}

import CVectorKernels
import Foundation

/// The matrices of a Winograd minimal-filtering convolution F(m×m, r×r): each `α×α` input tile (`α = m + r − 1`)
/// gives an `m×m` output tile with `α²` multiplications per channel pair instead of `m²·r²`.
///
/// Built by the Toom–Cook construction in double precision from the points `0, ±1, ±2, …, ∞`: with `E_k` the
/// `α×k` matrix evaluating a polynomial of `k` coefficients at those points (the row at infinity picks the
/// leading coefficient), correlation is `y = E_mᵀ[(E_r·g) ⊙ (E_α⁻¹ᵀ·d)]`, so `A = E_m`, `G = E_r` and `B = E_α⁻¹`:
///
///     Y  = Aᵀ [ Σ_c (G g Gᵀ) ⊙ (Bᵀ d B) ] A          (forward)
///     dM = A dY Aᵀ,   dd = B dV Bᵀ,   dg = Gᵀ dU G   (backward)
///
/// Each two-sided product `L X Rᵀ` with `L = R` is applied by `WinogradTransform.apply` to many tiles at once.
struct WinogradTransform: Sendable {
    /// Output tile size `m`.
    let outputTile: Int
    /// Kernel size `r`.
    let kernel: Int
    /// Input tile size `α = m + r − 1`.
    var alpha: Int { outputTile + kernel - 1 }

    /// `Bᵀ` (`α×α`): input tile → transformed input.
    let inputForward: TransformMatrix
    /// `Aᵀ` (`m×α`): transformed product → output tile.
    let outputForward: TransformMatrix
    /// `G` (`α×r`): kernel → transformed kernel.
    let kernelForward: TransformMatrix
    /// `A` (`α×m`): output-tile gradient → transformed gradient.
    let outputBackward: TransformMatrix
    /// `B` (`α×α`): transformed input gradient → input-tile gradient.
    let inputBackward: TransformMatrix
    /// `Gᵀ` (`r×α`): transformed kernel gradient → kernel gradient.
    let kernelBackward: TransformMatrix

    /// F(4×4, 3×3), six points: 2.25 multiplications per output and channel pair instead of 9.
    static let threeByThree = WinogradTransform(outputTile: 4, kernel: 3)
    /// F(4×4, 5×5), eight points (0, ±1, ±2, ±½, ∞): 4 multiplications per output and channel pair instead of 25.
    /// (F(2×2, 5×5) saves fewer multiplications than its transforms cost on fashion-mnist's conv2: measured slower
    /// than im2col + GEMM.)
    static let fiveByFive = WinogradTransform(outputTile: 4, kernel: 5)

    /// The transform for a square `kernel`, or nil where none is built (only 3×3 and 5×5 are).
    static func forKernel(_ kernel: Int) -> WinogradTransform? {
        switch kernel {
        case 3: threeByThree
        case 5: fiveByFive
        default: nil
        }
    }

    init(outputTile m: Int, kernel r: Int) {
        outputTile = m
        kernel = r
        let alpha = m + r - 1
        let finitePoints: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3]
        precondition(alpha - 1 <= finitePoints.count, "Winograd: too many points")
        let points = Array(finitePoints.prefix(alpha - 1))
        func evaluation(_ coefficients: Int) -> [[Double]] {
            points.map { point in (0..<coefficients).map { pow(point, Double($0)) } }
                + [Array(repeating: 0, count: coefficients - 1) + [1]]
        }
        let a = evaluation(m)
        let g = evaluation(r)
        let b = Self.inverse(evaluation(alpha))
        inputForward = TransformMatrix(Self.transpose(b), alpha: alpha, role: DL_INPUT_FORWARD)
        outputForward = TransformMatrix(Self.transpose(a), alpha: alpha, role: DL_OUTPUT_FORWARD)
        kernelForward = TransformMatrix(g, alpha: alpha, role: DL_KERNEL_FORWARD)
        outputBackward = TransformMatrix(a, alpha: alpha, role: DL_OUTPUT_BACKWARD)
        inputBackward = TransformMatrix(b, alpha: alpha, role: DL_INPUT_BACKWARD)
        kernelBackward = TransformMatrix(Self.transpose(g), alpha: alpha, role: DL_KERNEL_BACKWARD)
    }

    private static func transpose(_ matrix: [[Double]]) -> [[Double]] {
        (0..<matrix[0].count).map { column in matrix.map { $0[column] } }
    }

    /// Gauss–Jordan inverse with partial pivoting (the evaluation matrices are small and well conditioned).
    private static func inverse(_ matrix: [[Double]]) -> [[Double]] {
        let n = matrix.count
        var work = matrix.enumerated().map { row, values in
            values + (0..<n).map { $0 == row ? 1.0 : 0.0 }
        }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(work[$0][column]) < abs(work[$1][column]) }!
            work.swapAt(column, pivot)
            let scale = work[column][column]
            work[column] = work[column].map { $0 / scale }
            for row in 0..<n where row != column && work[row][column] != 0 {
                let factor = work[row][column]
                work[row] = zip(work[row], work[column]).map { $0 - factor * $1 }
            }
        }
        return work.map { Array($0[n...]) }
    }

    /// Lanes processed per block by `apply` (its scratch holds `L.rows · L.columns · lanes` floats).
    static let lanes = 256

    /// `out[i, j] = Σ_k Σ_l L[i, k]·L[j, l]·in[k, l]` for `count` independent lanes: element `(k, l)` of lane `t`
    /// is `input[k·inRow + l·inColumn + t]`, element `(i, j)` goes to `output[i·outRow + j·outColumn + t]`.
    static func apply(_ matrix: TransformMatrix, _ input: UnsafeMutablePointer<Float>, inRow: Int, inColumn: Int,
                      into output: UnsafeMutablePointer<Float>, outRow: Int, outColumn: Int, count: Int,
                      scratch: UnsafeMutablePointer<Float>) {
        dl_winograd_apply(matrix.descriptor, input, inRow, inColumn, output, outRow, outColumn, count, scratch, lanes)
    }
}

/// One matrix of a Winograd transform, as the C kernel that applies it (its coefficients compiled in).
struct TransformMatrix: Sendable {
    /// The C kernel's name for it.
    let descriptor: dl_transform_matrix

    /// The kernel for `role` at `alpha`, checked once against `dense` (the Toom–Cook matrix in double precision):
    /// the matrix the kernel applies to unit vectors must match it to float rounding.
    init(_ dense: [[Double]], alpha: Int, role: dl_transform_role) {
        descriptor = dl_transform_matrix(alpha: Int32(alpha), role: role)
        let (rows, columns, values) = Self.values(of: descriptor)
        precondition(rows == dense.count && columns == dense[0].count, "Winograd: no kernel for this matrix")
        for i in 0..<rows {
            for k in 0..<columns {
                let expected = dense[i][k]
                precondition(abs(Double(values[i * columns + k]) - expected) <= 1e-6 * abs(expected) + 1e-12,
                             "Winograd: kernel matrix (\(i), \(k)) is \(values[i * columns + k]), not \(expected)")
            }
        }
    }

    /// The rows, columns and row-major values of the matrix the C kernel applies.
    static func values(of descriptor: dl_transform_matrix) -> (Int, Int, [Float]) {
        var (rows, columns): (Int32, Int32) = (0, 0)
        var values = [Float](repeating: .nan, count: 64)
        let found = dl_winograd_matrix_values(descriptor, &rows, &columns, &values)
        return found == 0 ? (0, 0, []) : (Int(rows), Int(columns), Array(values.prefix(Int(rows * columns))))
    }
}

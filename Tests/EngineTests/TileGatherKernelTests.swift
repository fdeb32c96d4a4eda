import CVectorKernels
import XCTest

/// `dl_gather_tiles`, the Winograd input gather, against a direct reading of its contract: stride 1 with a zero
/// border, a strided phase with its own row and column ends, several samples (the border staged once), tiles in
/// groups of 16 and the rest, and more tiles than one table block.
final class TileGatherKernelTests: XCTestCase {
    private struct Case {
        let height, width, stride, top, left, rowEnd, columnEnd, samples, tileRows, tileColumns, m, alpha: Int
    }

    func testGatheredTilesMatchTheContract() {
        let cases = [
            // A 3×3 layer with padding 1: tiles start one pixel above and left of the plane.
            Case(height: 13, width: 11, stride: 1, top: -1, left: -1, rowEnd: 13, columnEnd: 11, samples: 3,
                 tileRows: 4, tileColumns: 3, m: 4, alpha: 6),
            // A 5×5 layer with padding 2, one sample.
            Case(height: 27, width: 27, stride: 1, top: -2, left: -2, rowEnd: 27, columnEnd: 27, samples: 1,
                 tileRows: 7, tileColumns: 7, m: 4, alpha: 8),
            // Phase (3, 1) of a stride-4 layer with padding 2; rows end early where the split input ends.
            Case(height: 29, width: 30, stride: 4, top: 1, left: -1, rowEnd: 25, columnEnd: 30, samples: 2,
                 tileRows: 2, tileColumns: 2, m: 4, alpha: 6),
            // Phase (0, 2) of a stride-3 layer without padding; columns end early too.
            Case(height: 31, width: 33, stride: 3, top: 0, left: 2, rowEnd: 26, columnEnd: 20, samples: 2,
                 tileRows: 2, tileColumns: 2, m: 4, alpha: 6),
            // AlexNet's 13×13 layers: 16 tiles a sample, one whole group of 16 transposed at once, 3 samples.
            Case(height: 13, width: 13, stride: 1, top: -1, left: -1, rowEnd: 13, columnEnd: 13, samples: 3,
                 tileRows: 4, tileColumns: 4, m: 4, alpha: 6),
            // A stride-2 phase with 20 tiles a sample (a group of 16 and 4 more) over two samples.
            Case(height: 41, width: 43, stride: 2, top: -1, left: 0, rowEnd: 41, columnEnd: 43, samples: 2,
                 tileRows: 4, tileColumns: 5, m: 4, alpha: 6),
            // 1,089 tiles: more than one block of the kernel's tile table.
            Case(height: 130, width: 130, stride: 1, top: -1, left: -1, rowEnd: 130, columnEnd: 130, samples: 1,
                 tileRows: 33, tileColumns: 33, m: 4, alpha: 6),
        ]
        for c in cases { assertGathers(c) }
    }

    private func assertGathers(_ c: Case) {
        let plane = c.height * c.width
        let sampleStride = plane + 7  // samples need not be adjacent planes
        let input = (0..<(c.samples - 1) * sampleStride + plane).map { Float($0 % 1009) + 0.5 }
        let tiles = c.samples * c.tileRows * c.tileColumns
        let targetStride = tiles + 3
        var target = [Float](repeating: .nan, count: c.alpha * c.alpha * targetStride)
        // The staged plane and the 8 floats past it that the kernel may read (never use).
        var staged = [Float](repeating: .nan, count: (c.tileRows * c.m + c.alpha - c.m)
            * (c.tileColumns * c.m + c.alpha - c.m) + 8)
        dl_gather_tiles(input, sampleStride, Int32(c.width), Int32(c.stride), Int32(c.top), Int32(c.left),
                        Int32(c.rowEnd), Int32(c.columnEnd), Int32(c.samples), Int32(c.tileRows),
                        Int32(c.tileColumns), Int32(c.m), Int32(c.alpha), &staged, &target, targetStride)
        var mismatches = 0
        for i in 0..<c.alpha {
            for j in 0..<c.alpha {
                for s in 0..<c.samples {
                    for ty in 0..<c.tileRows {
                        for tx in 0..<c.tileColumns {
                            let row = c.stride * (ty * c.m + i) + c.top
                            let column = c.stride * (tx * c.m + j) + c.left
                            let inside = row >= 0 && row < c.rowEnd && column >= 0 && column < c.columnEnd
                            let expected = inside ? input[s * sampleStride + row * c.width + column] : 0
                            let t = (s * c.tileRows + ty) * c.tileColumns + tx
                            if target[(i * c.alpha + j) * targetStride + t] != expected { mismatches += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(c)")
        // Nothing is written between one position's tiles and the next's.
        for p in 0..<c.alpha * c.alpha {
            XCTAssertTrue(target[p * targetStride + tiles..<(p + 1) * targetStride].allSatisfy(\.isNaN), "\(c)")
        }
    }
}

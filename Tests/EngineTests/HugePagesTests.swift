@testable import CPUEngine
import Engine
import Foundation
import XCTest

/// Large CPU tensors get their own huge-page-aligned mapping, advised huge pages; the kernel's THP setting is read
/// from its bracketed choice.
final class HugePagesTests: XCTestCase {
    func testTensorsFromTheThresholdStartOnAHugePageAndAreEligible() throws {
        let engine = CPUEngine(threads: 1)
        let floats = HugePages.thresholdBytes / MemoryLayout<Float>.stride
        for count in [floats, floats + 1, 3 * floats + 17] {
            let tensor = try XCTUnwrap(engine.makeTensor(Shape(count), label: "t") as? CPUTensor)
            XCTAssertEqual(Int(bitPattern: tensor.pointer) % HugePages.pageBytes, 0, "\(count) floats")
            tensor.buffer.update(repeating: 1)  // every page of the tensor is there to touch
            XCTAssertEqual(tensor.buffer.last, 1)
            // Where the kernel offers huge pages at all, the advice makes the tensor's mapping eligible for them.
            if let mode = HugePages.mode, mode != "never" {
                XCTAssertEqual(try Self.hugePageEligibility(of: tensor.pointer), 1, "\(count) floats, THP \(mode)")
            }
        }
    }

    func testSmallTensorsComeFromMalloc() throws {
        let engine = CPUEngine(threads: 1)
        let count = HugePages.thresholdBytes / MemoryLayout<Float>.stride - 1
        let tensors = try (0..<8).map { _ in try XCTUnwrap(engine.makeTensor(Shape(count), label: "t") as? CPUTensor) }
        // malloc's 64-byte alignment: not every one of eight can start on a huge page by chance.
        XCTAssertTrue(tensors.contains { Int(bitPattern: $0.pointer) % HugePages.pageBytes != 0 })
    }

    func testSelectedModeIsTheBracketedChoice() {
        XCTAssertEqual(HugePages.selectedMode("always [madvise] never\n"), "madvise")
        XCTAssertEqual(HugePages.selectedMode("[always] madvise never\n"), "always")
        XCTAssertEqual(HugePages.selectedMode("always madvise [never]"), "never")
        XCTAssertNil(HugePages.selectedMode("always madvise never"))
        XCTAssertNil(HugePages.selectedMode(""))
    }

    /// `THPeligible` of the mapping in `/proc/self/smaps` that holds `address`.
    private static func hugePageEligibility(of address: UnsafeMutablePointer<Float>) throws -> Int? {
        let target = UInt(bitPattern: Int(bitPattern: address))
        var inMapping = false
        // Read to the end: procfs files report a size of 0, which String(contentsOfFile:) would trust.
        let smaps = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps")).readToEnd() ?? Data()
        for line in String(decoding: smaps, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inMapping = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inMapping, fields.first == "THPeligible:", fields.count > 1 {
                return Int(fields[1])
            }
        }
        return nil
    }
}

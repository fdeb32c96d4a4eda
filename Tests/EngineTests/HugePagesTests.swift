@testable import CPUEngine
import Engine
import XCTest

/// Large CPU tensors start on a huge page boundary; the kernel's THP setting is read from its bracketed choice.
final class HugePagesTests: XCTestCase {
    func testTensorsFromTheThresholdStartOnAHugePage() throws {
        let engine = CPUEngine(threads: 1)
        let floats = HugePages.thresholdBytes / MemoryLayout<Float>.stride
        for count in [floats, floats + 1, 3 * floats + 17] {
            let tensor = try XCTUnwrap(engine.makeTensor(Shape(count), label: "t") as? CPUTensor)
            XCTAssertEqual(Int(bitPattern: tensor.pointer) % HugePages.pageBytes, 0, "\(count) floats")
            tensor.buffer.update(repeating: 1)  // every page can be touched: the whole tensor is allocated
            XCTAssertEqual(tensor.buffer.last, 1)
        }
    }

    func testSelectedModeIsTheBracketedChoice() {
        XCTAssertEqual(HugePages.selectedMode("always [madvise] never\n"), "madvise")
        XCTAssertEqual(HugePages.selectedMode("[always] madvise never\n"), "always")
        XCTAssertEqual(HugePages.selectedMode("always madvise [never]"), "never")
        XCTAssertNil(HugePages.selectedMode("always madvise never"))
        XCTAssertNil(HugePages.selectedMode(""))
    }
}

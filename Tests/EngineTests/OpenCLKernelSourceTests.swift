import Foundation
import XCTest
@testable import OpenCLEngine

/// The kernels compiled into the binary are exactly the `.cl` files of `Sources/OpenCLEngine/Kernels`.
final class OpenCLKernelSourceTests: XCTestCase {
    private let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/OpenCLEngine/Kernels", isDirectory: true)

    func testEmbeddedKernelsMatchTheClFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".cl") }.sorted()
        XCTAssertFalse(names.isEmpty, "no .cl files in \(folder.path)")
        let rerun = "run scripts/embed-opencl-kernels.sh"
        XCTAssertEqual(OpenCLKernelSource.embeddedFiles.map(\.name).sorted(), names, "kernel files differ: \(rerun)")
        for (name, text) in OpenCLKernelSource.embeddedFiles {
            let onDisk = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(text == onDisk, "\(name) changed since it was embedded: \(rerun)")
        }
    }

    func testProgramPutsCommonHelpersFirstWithLineMarkers() {
        let program = OpenCLKernelSource.program()
        XCTAssertTrue(program.hasPrefix("#line 1 \"common.cl\"\n"), String(program.prefix(80)))
        for (name, _) in OpenCLKernelSource.embeddedFiles {
            XCTAssertTrue(program.contains("#line 1 \"\(name)\"\n"), name)
        }
    }
}

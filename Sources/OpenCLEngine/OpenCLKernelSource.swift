import Foundation
import Engine

/// Loads the engine's kernels from the `.cl` files of the `Kernels` resource folder.
enum OpenCLKernelSource {
    /// Every `.cl` file as one program source: `common.cl` first (shared helpers), then the rest by name,
    /// each behind a `#line` marker so build logs name the right file and line.
    static func load() throws -> String {
        let folder = Bundle.module.bundleURL.appendingPathComponent("Kernels", isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".cl") }
                .sorted { ($0 == "common.cl" ? "" : $0) < ($1 == "common.cl" ? "" : $1) }
        } catch {
            throw EngineError.callFailed(call: "reading the OpenCL kernels", status: "no folder at \(folder.path)")
        }
        guard !names.isEmpty else {
            throw EngineError.callFailed(call: "reading the OpenCL kernels", status: "no .cl files in \(folder.path)")
        }
        return try names.map { name in
            let url = folder.appendingPathComponent(name)
            do {
                return "#line 1 \"\(name)\"\n" + (try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw EngineError.callFailed(call: "reading the OpenCL kernel \(url.path)", status: "\(error)")
            }
        }.joined(separator: "\n")
    }
}

/// The engine's kernels: the `.cl` files of `Kernels/`, embedded in the binary by
/// `scripts/embed-opencl-kernels.sh` so that a copied `dltrain` needs no resource folder beside it.
enum OpenCLKernelSource {
    /// Every `.cl` file as one program source: `common.cl` first (shared helpers), then the rest by name,
    /// each behind a `#line` marker so build logs name the right file and line.
    static func program() -> String {
        embeddedFiles
            .sorted { ($0.name == "common.cl" ? "" : $0.name) < ($1.name == "common.cl" ? "" : $1.name) }
            .map { "#line 1 \"\($0.name)\"\n" + $0.text }
            .joined(separator: "\n")
    }
}

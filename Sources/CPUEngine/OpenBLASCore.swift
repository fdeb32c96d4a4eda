import COpenBLAS
import Foundation

/// Picks the OpenBLAS kernel set: Debian's 0.3.21 misdetects recent CPUs and falls back to slow generic kernels.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads, so a better choice needs a fresh process:
/// `reexecWithPreferredCoreIfNeeded()` re-executes the program with the variable set.
public enum OpenBLASCore {
    /// The environment variable OpenBLAS reads its kernel set from.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set in a re-executed process, so it never re-executes twice.
    public static let reexecMarker = "DLTRAIN_BLAS_REEXEC"

    /// Kernel sets older than AVX2 that a misdetected CPU falls back to (lower-cased OpenBLAS core names).
    static let fallbackCores: Set<String> = [
        "unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
        "dunnington", "nehalem", "sandybridge", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat",
    ]

    /// The kernel set OpenBLAS loaded, e.g. `"SkylakeX"` or `"Prescott"`.
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS's build configuration, e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"`.
    public static var configuration: String {
        (openblas_get_config().map { String(cString: $0) } ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// The best `OPENBLAS_CORETYPE` this CPU supports according to `/proc/cpuinfo`, or nil when none is better
    /// than OpenBLAS's generic kernels.
    public static func preferredCoreType() -> String? {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return coreType(forCPUInfo: cpuinfo)
    }

    /// The core type for the first `flags` line of a `/proc/cpuinfo` text.
    static func coreType(forCPUInfo cpuinfo: String) -> String? {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return nil }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SKYLAKEX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "HASWELL" }
        return nil
    }

    /// Re-executes this program with `OPENBLAS_CORETYPE` set when OpenBLAS loaded a generic fallback and this CPU
    /// supports a better kernel set; call first thing in `main`. Does nothing when the user chose a core type,
    /// when already re-executed, or when `execv` fails.
    public static func reexecWithPreferredCoreIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment[coreTypeVariable] == nil, environment[reexecMarker] == nil,
              fallbackCores.contains(coreName.lowercased()),
              let preferred = preferredCoreType()
        else { return }
        setenv(coreTypeVariable, preferred, 1)
        setenv(reexecMarker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(coreTypeVariable)
    }

    /// Whether the loaded kernels compute a `67×45 · 45×71` product within `1e-4` (relative) of a naive loop.
    public static func selfCheck() -> Bool {
        let (m, n, k) = (67, 71, 45)
        let a = (0..<m * k).map { Float(($0 * 37) % 101) / 50 - 1 }
        let b = (0..<k * n).map { Float(($0 * 53) % 89) / 44 - 1 }
        var c = [Float](repeating: .nan, count: m * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        for i in 0..<m {
            for j in 0..<n {
                var expected: Double = 0
                var magnitude: Double = 0
                for p in 0..<k {
                    let product = Double(a[i * k + p]) * Double(b[p * n + j])
                    expected += product
                    magnitude += abs(product)
                }
                guard abs(Double(c[i * n + j]) - expected) <= 1e-4 * max(magnitude, 1) else { return false }
            }
        }
        return true
    }
}

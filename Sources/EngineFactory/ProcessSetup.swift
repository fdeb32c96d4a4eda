import CPUEngine
import Foundation

/// Process-level set-up that must happen before any engine runs.
public enum ProcessSetup {
    /// Marker value telling a re-executed process that the chosen BLAS core failed its self-check.
    static let selfCheckFailed = "self-check-failed"

    /// Makes OpenBLAS use the best kernels this CPU supports, verified: re-executes with `OPENBLAS_CORETYPE`
    /// chosen from `/proc/cpuinfo` when OpenBLAS fell back to generic kernels and the user set none; if the chosen
    /// kernels then fail a small GEMM self-check, re-executes once more with OpenBLAS's own choice.
    /// Call first thing in `main`.
    public static func selectBLASCore() {
        OpenBLASCore.reexecWithPreferredCoreIfNeeded()
        let environment = ProcessInfo.processInfo.environment
        guard environment[OpenBLASCore.reexecMarker] == "1", !OpenBLASCore.selfCheck() else { return }
        unsetenv(OpenBLASCore.coreTypeVariable)
        setenv(OpenBLASCore.reexecMarker, selfCheckFailed, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }

    /// A note for `dltrain devices` when the self-check undid the core choice.
    public static var blasNote: String? {
        ProcessInfo.processInfo.environment[OpenBLASCore.reexecMarker] == selfCheckFailed
            ? "the preferred OpenBLAS core failed its self-check; using OpenBLAS's own choice" : nil
    }
}

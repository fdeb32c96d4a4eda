import Foundation

/// Transparent huge pages for the CPU engine's large tensors. A dense layer's backward pass reads each weight row
/// in short pieces, one 4 KiB page after another across rows 36 KiB apart (AlexNet's dense1), so with 4 KiB pages
/// nearly every piece misses the TLB; in 2 MiB pages the same sweep ran 1.2-1.4x faster (measured).
public enum HugePages {
    /// Tensors of at least this many bytes are aligned to `pageBytes` and advised to use huge pages.
    static let thresholdBytes = 4 << 20
    /// The huge page size on x86-64.
    static let pageBytes = 2 << 20
    /// Where Linux says when it backs memory with transparent huge pages.
    static let settingPath = "/sys/kernel/mm/transparent_hugepage/enabled"

    /// The kernel's transparent-huge-page mode (`always`, `madvise` or `never`), nil where unreadable.
    public static var mode: String? {
        (try? String(contentsOfFile: settingPath, encoding: .utf8)).flatMap(selectedMode)
    }

    /// What `dltrain devices` says about them.
    public static var summary: String {
        switch mode {
        case "always", "madvise": return "huge pages for tensors ≥ 4 MiB"
        case let mode?: return "no huge pages (transparent huge pages: \(mode))"
        case nil: return "no huge pages (\(settingPath) unreadable)"
        }
    }

    /// The bracketed choice of a sysfs setting, e.g. `madvise` in `"always [madvise] never\n"`.
    static func selectedMode(_ setting: String) -> String? {
        guard let open = setting.firstIndex(of: "["), let close = setting[open...].firstIndex(of: "]") else {
            return nil
        }
        return String(setting[setting.index(after: open)..<close])
    }
}

import Foundation
import Glibc

/// Transparent huge pages for the CPU engine's large tensors. A dense layer's backward pass reads 1 KiB of each
/// weight row in turn, the rows 36 KiB apart (AlexNet's dense1), so with 4 KiB pages each piece lies in another
/// page and most miss the TLB; with the weights in 2 MiB pages the same sweep ran 1.2–1.4× faster (measured).
///
/// Tensors from `thresholdBytes` up get a mapping of their own, starting on a huge-page boundary and advised
/// `MADV_HUGEPAGE` before the first touch: the kernel then backs each whole 2 MiB of it with one page where it
/// can (with `defrag` set to `madvise`, a first touch may wait while it compacts memory). A mapping of their own,
/// not malloc's heap, so that the advice ends with the tensor and never spreads to other allocations.
public enum HugePages {
    /// Tensors of at least this many bytes are mapped on their own and advised to use huge pages.
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
        guard let mode else { return "no huge pages (no transparent huge page mode in \(settingPath))" }
        let asked = mode == "always" || mode == "madvise"
        return "\(asked ? "tensors ≥ 4 MiB ask for huge pages" : "no huge pages") (transparent huge pages: \(mode))"
    }

    /// The bracketed choice of a sysfs setting, e.g. `madvise` in `"always [madvise] never\n"`.
    static func selectedMode(_ setting: String) -> String? {
        guard let open = setting.firstIndex(of: "["), let close = setting[open...].firstIndex(of: "]") else {
            return nil
        }
        return String(setting[setting.index(after: open)..<close])
    }

    /// Maps `bytes` (rounded up to whole 4 KiB pages) at a huge-page boundary and advises huge pages for them;
    /// nil when the kernel refuses the mapping. Release with `unmap`.
    static func map(_ bytes: Int) -> UnsafeMutableRawPointer? {
        let length = mappedLength(bytes)
        // One huge page more than needed, so that a boundary lies within the first; the slack is returned.
        guard let raw = mmap(nil, length + pageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        let head = (pageBytes - Int(bitPattern: raw) % pageBytes) % pageBytes
        if head > 0 { munmap(raw, head) }
        munmap(raw + head + length, pageBytes - head)
        let start = raw + head
        _ = madvise(start, length, MADV_HUGEPAGE)
        return start
    }

    /// Releases a mapping `map(bytes)` returned.
    static func unmap(_ start: UnsafeMutableRawPointer, bytes: Int) {
        munmap(start, mappedLength(bytes))
    }

    private static func mappedLength(_ bytes: Int) -> Int {
        let page = 4096
        return (bytes + page - 1) / page * page
    }
}

import Foundation

/// Paths the tests create under the system's temporary directory, all removed when the test process exits (after
/// failed assertions too; a crash or a kill leaves them).
enum TemporaryFolders {
    /// A fresh path `<tmp>/<prefix>-<UUID>`, not yet created, removed at exit with whatever is put there.
    static func path(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        registry.add(url)
        return url
    }

    private static let registry = PathRegistry()

    fileprivate static func removeAll() { registry.removeAll() }
}

/// The paths handed out, behind a lock (tests may run on several threads); removes them at exit.
private final class PathRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [URL] = []

    init() { atexit { TemporaryFolders.removeAll() } }

    func add(_ url: URL) { lock.withLock { paths.append(url) } }

    func removeAll() {
        lock.withLock {
            for url in paths { try? FileManager.default.removeItem(at: url) }
            paths.removeAll()
        }
    }
}

import Foundation

/// An exclusive lock on a run folder while a trainer writes it, so that a second `dltrain train` on the same folder
/// (whose `--overwrite` would delete the first run's files under it) is refused. `flock` on `<folder>/.lock`, which
/// holds the owner's process id; the kernel releases it when the process ends, however it ends.
final class RunFolderLock {
    /// The lock file's descriptor while held, -1 once released (or when the file system offers no locks).
    private var descriptor: Int32
    /// Why the folder could not be locked on a file system without `flock` (some network mounts); nil when held.
    private(set) var unavailable: String?

    /// Takes the lock on `folder` (which exists), or throws `TrainingError.runInUse` naming the holder. Where the
    /// file system refuses locks altogether, goes on without one and says why in `unavailable`.
    init(folder: URL) throws {
        let file = folder.appendingPathComponent(".lock")
        descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TrainingError.outputNotWritable(path: folder.path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            release()
            guard failure == EWOULDBLOCK else {
                unavailable = String(cString: strerror(failure))
                return
            }
            let holder = try? String(contentsOf: file, encoding: .utf8)
            throw TrainingError.runInUse(path: folder.path, processID: holder.flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0, write(descriptor, pid, pid.count) == pid.count else {
            let reason = String(cString: strerror(errno))
            release()
            throw TrainingError.outputNotWritable(path: folder.path, reason: reason)
        }
    }

    /// Gives the lock up (at once; also on deinit).
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

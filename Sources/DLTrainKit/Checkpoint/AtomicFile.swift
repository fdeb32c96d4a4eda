import Foundation

/// Crash-safe file replacement: readers see the old file or the new one, never a torn one.
public enum AtomicFile {
    /// Writes `data` to a temporary `.<name>.tmp-<pid>` beside `url`, fsyncs it, renames it over `url`, then
    /// fsyncs the folder so the rename itself survives a power cut. The temporary name never ends in
    /// `.safetensors`, so a crash mid-write cannot leave something that looks like a checkpoint.
    public static func write(_ data: Data, to url: URL) throws(CheckpointError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do throws(CheckpointError) {
            try writeSynced(data, to: temporary.path)
            guard rename(temporary.path, url.path) == 0 else { throw CheckpointError.system("rename", file: url.path) }
        } catch {
            unlink(temporary.path)
            throw error
        }
        try syncFolder(folder.path)
    }

    private static func writeSynced(_ data: Data, to path: String) throws(CheckpointError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CheckpointError.system("open", file: path) }
        defer { close(descriptor) }
        let failedCall: String? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return "write"
                }
                offset += written
            }
            return fsync(descriptor) == 0 ? nil : "fsync"
        }
        if let failedCall { throw CheckpointError.system(failedCall, file: path) }
    }

    private static func syncFolder(_ path: String) throws(CheckpointError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CheckpointError.system("open", file: path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CheckpointError.system("fsync", file: path) }
    }
}

import Foundation

/// A checkpoint that cannot be read or written, told as one line naming the file.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint file (or folder), when known.
    public var file: String?
    /// What went wrong, e.g. `header length 4294967296 runs past the end of the file (1024 bytes)`.
    public var message: String

    /// Creates an error about `file`.
    public init(file: String?, _ message: String) {
        self.file = file
        self.message = message
    }

    /// The one-line message the user sees.
    public var description: String {
        [file, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// An error for a failed system call, with the C library's reason for `errno`.
    static func system(_ call: String, file: String, errno code: Int32 = errno) -> CheckpointError {
        CheckpointError(file: file, "\(call) failed: \(String(cString: strerror(code)))")
    }
}

import Foundation

/// A grow-only float buffer an engine op borrows for the duration of a call (so the op allocates nothing in the
/// steady state); the lock makes concurrent borrowers wait instead of sharing it.
final class ScratchBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: UnsafeMutablePointer<Float>?
    private var capacity = 0

    /// Calls `body` with at least `count` floats, contents unspecified.
    func withFloats<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        if capacity < count {
            storage?.deallocate()
            storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return try body(storage!)
    }

    deinit { storage?.deallocate() }
}

/// `count` floats rounded up to whole 16-float vectors, so that scratch regions laid out one after another from a
/// 64-byte aligned base each start 64-byte aligned.
func alignedFloats(_ count: Int) -> Int { (count + 15) / 16 * 16 }

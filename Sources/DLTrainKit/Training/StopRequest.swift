import Foundation

/// A thread-safe "please stop" flag: a signal handler (or a test) raises it, the training loop polls it after
/// every step and then writes an `interrupted` checkpoint.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requests = 0

    /// A flag nobody has raised yet.
    public init() {}

    /// Raises the flag; returns how many times it has been raised, this time included.
    @discardableResult
    public func request() -> Int {
        lock.lock()
        defer { lock.unlock() }
        requests += 1
        return requests
    }

    /// Whether a stop was requested.
    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requests > 0
    }
}

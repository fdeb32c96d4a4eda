import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a `StopRequest`: the first signal asks training to stop after the current step,
/// a second one exits at once with status 130.
///
/// The signals are ignored at the process level and delivered to dispatch sources on a private queue, so no
/// code runs in a signal handler; the training thread only polls the request's lock-protected flag.
public final class InterruptSignals {
    /// The exit status of a run stopped by a signal (128 + SIGINT), as shells report Ctrl-C.
    public static let exitStatus: Int32 = 130

    private static let signals = [SIGINT, SIGTERM]
    private let sources: [DispatchSourceSignal]

    /// Starts watching: `onFirst` runs (on a background queue) for the first signal, `exitNow` for any later one.
    public init(request: StopRequest, onFirst: @escaping @Sendable (Int32) -> Void,
                exitNow: @escaping @Sendable () -> Void = { _exit(InterruptSignals.exitStatus) }) {
        let queue = DispatchQueue(label: "dltrain.signals")
        let registered = DispatchSemaphore(value: 0)
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if request.request() == 1 { onFirst(number) } else { exitNow() }
            }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            return source
        }
        // Registration is asynchronous: until it is done an ignored signal would be lost, so wait for it.
        for _ in sources { _ = registered.wait(timeout: .now() + 2) }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}

import Foundation
import Synchronization

/// The engine's own threads for its parallel loops: `threads − 1` persistent workers that spin for a short while
/// after each job before they sleep, plus the calling thread.
///
/// `DispatchQueue.concurrentPerform` wakes a sleeping GCD worker in 50–100 µs on the machines this was measured on,
/// longer than many of a training step's parallel loops take, so the caller would run most chunks alone; a
/// spinning worker picks a job up in well under a microsecond.
///
/// A job is open while `generation` is odd. A worker joins it only if the generation is unchanged after it counted
/// itself `active`, and the caller reuses the job's fields only once no worker is active, so a late worker never
/// sees a half-written job.
final class WorkerPool: @unchecked Sendable {
    /// The calling thread and the workers.
    let threads: Int

    private let generation = Atomic<Int>(0)
    private let active = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let busy = Atomic<Bool>(false)
    private let wakeUp = NSCondition()
    /// The open job; written by the caller only while no worker is active.
    private var chunkCount = 0
    private var body: ((Int) -> Void)?

    /// How long an idle worker spins before it sleeps.
    private static let spinNanoseconds: UInt64 = 50_000

    init(threads: Int) {
        self.threads = max(1, threads)
        for _ in 1..<self.threads {
            let thread = Thread { [self] in workerLoop() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Calls `body(chunk)` for every chunk in `0..<chunks`, spread over the workers and the calling thread, and
    /// returns when all have finished. A call made while another job runs (a nested loop, or a second thread) runs
    /// its chunks on its own thread.
    func run(_ chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, threads > 1,
              busy.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
        else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        defer { busy.store(false, ordering: .sequentiallyConsistent) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            chunkCount = chunks
            nextChunk.store(0, ordering: .sequentiallyConsistent)
            unfinished.store(chunks, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)  // odd: open
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeUp.lock()
                wakeUp.broadcast()
                wakeUp.unlock()
            }
            work()
            Self.wait(until: { unfinished.load(ordering: .sequentiallyConsistent) == 0 })
            generation.add(1, ordering: .sequentiallyConsistent)  // even: closed
            Self.wait(until: { active.load(ordering: .sequentiallyConsistent) == 0 })
            self.body = nil
        }
    }

    /// Spins until `done()`, yielding the processor after a while: a worker still running a chunk may be waiting
    /// for this very processor (another process took the other one).
    private static func wait(until done: () -> Bool) {
        var spins = 0
        while !done() {
            spins += 1
            if spins > 1_000 { sched_yield() }
        }
    }

    /// Stops the workers (they exit after any job in progress).
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wakeUp.lock()
        wakeUp.broadcast()
        wakeUp.unlock()
    }

    /// Claims and runs chunks of the open job until none is left.
    private func work() {
        while true {
            let chunk = nextChunk.add(1, ordering: .sequentiallyConsistent).oldValue
            guard chunk < chunkCount, let body else { return }
            body(chunk)
            unfinished.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    private func workerLoop() {
        var seen = 0
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let current = waitForJob(after: seen)
            seen = current
            guard current & 1 == 1 else { continue }
            active.add(1, ordering: .sequentiallyConsistent)
            if generation.load(ordering: .sequentiallyConsistent) == current { work() }
            active.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// The generation once it differs from `seen` (or the pool stops): spins, then sleeps.
    private func waitForJob(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var spins = 0
        while true {
            let current = generation.load(ordering: .sequentiallyConsistent)
            if current != seen || stopping.load(ordering: .relaxed) { return current }
            spins += 1
            if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds > deadline { break }
        }
        wakeUp.lock()
        defer { wakeUp.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .sequentiallyConsistent) }
        while true {
            let current = generation.load(ordering: .sequentiallyConsistent)
            if current != seen || stopping.load(ordering: .sequentiallyConsistent) { return current }
            wakeUp.wait()
        }
    }
}

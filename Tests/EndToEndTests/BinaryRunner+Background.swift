import Foundation
import XCTest

extension BinaryRunner {
    /// A `dltrain` process started in the background, to be signalled while it works.
    final class Background {
        let process = Process()
        private let output: OutputCollector
        private let error: OutputCollector

        /// Starts `dltrain arguments…` in `directory`.
        init(_ arguments: [String], in directory: URL) throws {
            process.executableURL = BinaryRunner.executable
            process.arguments = arguments
            process.currentDirectoryURL = directory
            let outputPipe = Pipe()
            let errorPipe = Pipe()
            process.standardOutput = outputPipe
            process.standardError = errorPipe
            try process.run()
            output = OutputCollector(outputPipe.fileHandleForReading)
            error = OutputCollector(errorPipe.fileHandleForReading)
        }

        /// Sends `signal` to the process.
        func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Polls `condition` every 10 ms for up to `timeout` seconds; false if it never held.
        func wait(until condition: () -> Bool, timeout: TimeInterval = 30) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while !condition() {
                guard Date() < deadline, process.isRunning else { return condition() }
                usleep(10_000)
            }
            return true
        }

        /// Waits for the process to end (killing it after `timeout` seconds) and returns what it printed.
        func finish(timeout: TimeInterval = 60) -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning {
                send(SIGKILL)
                XCTFail("dltrain did not finish within \(timeout) s")
            }
            process.waitUntilExit()
            return Result(status: process.terminationStatus, standardOutput: output.text(),
                          standardError: error.text())
        }
    }
}

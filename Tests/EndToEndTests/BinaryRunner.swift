import Foundation
import XCTest

/// Runs the built `dltrain` binary and captures what it prints.
struct BinaryRunner {
    /// What one run printed and returned.
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `dltrain` executable next to the test bundle (SwiftPM builds it for this test target).
    static var executable: URL {
        Bundle.main.bundleURL.appendingPathComponent("dltrain")
    }

    /// Runs `dltrain arguments…` in `directory`, killing it after `timeout` seconds.
    static func run(_ arguments: [String], in directory: URL, timeout: TimeInterval = 120) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = OutputCollector(output.fileHandleForReading)
        let errorData = OutputCollector(error.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("dltrain \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: outputData.text(),
                      standardError: errorData.text())
    }
}

/// Drains a pipe on a background thread so a chatty child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.lock()
            data = all
            lock.unlock()
            done.signal()
        }
    }

    /// Everything the pipe delivered, once the child closed it.
    func text() -> String {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

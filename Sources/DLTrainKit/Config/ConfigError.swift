import Foundation

/// A problem with a config file, told as one line: `"<file>: <json.path>: <what was expected>, got <what>"`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file, when the config came from one.
    public var file: String?
    /// Where in the document: a JSON path such as `network[3].size`; empty for the document as a whole.
    public var path: String
    /// What was wrong, e.g. `expected a positive integer, got -1`.
    public var message: String

    /// Creates an error at a JSON path.
    public init(file: String? = nil, path: String, _ message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// The one-line message the user sees.
    public var description: String {
        [file, path.isEmpty ? nil : path, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// The same error, attributed to `file`.
    func inFile(_ file: String?) -> ConfigError {
        var copy = self
        copy.file = file
        return copy
    }
}

extension ConfigError {
    /// A short reason for a file-system error, without Foundation's boilerplate.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }
}

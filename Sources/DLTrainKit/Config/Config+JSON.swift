import Foundation

/// Reading and writing the top level of a config file.
extension Config {
    static let keys = ["name", "data", "network", "training", "output", "device"]

    /// Parses UTF-8 JSON text into a value, reporting encoding and syntax errors with their position.
    static func parse(_ data: Data) throws(ConfigError) -> JSONValue {
        let bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ConfigError(path: "", "expected UTF-8 JSON text, got bytes that are not valid UTF-8")
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ConfigError(path: "", "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
    }

    init(json: JSONValue) throws(ConfigError) {
        guard case .object = json else {
            throw ConfigError(path: "", "expected a JSON object at the top level, got \(json.userDescription)")
        }
        let reader = try ObjectReader(json, at: "", allowedKeys: Config.keys)
        let name = try reader.required("name") { value, path throws(ConfigError) in try Config.readName(value, at: path) }
        self.init(
            name: name,
            data: try reader.required("data") { value, path throws(ConfigError) in
                try DataConfig(ObjectReader(value, at: path, allowedKeys: DataConfig.keys))
            },
            network: try reader.required("network") { value, path throws(ConfigError) in
                try LayerConfig.network(from: value, at: path)
            },
            training: try reader.required("training") { value, path throws(ConfigError) in
                try TrainingConfig(ObjectReader(value, at: path, allowedKeys: TrainingConfig.keys))
            },
            output: try reader.optional("output", default: OutputConfig(directory: "runs/\(name)")) {
                value, path throws(ConfigError) in
                try OutputConfig(ObjectReader(value, at: path, allowedKeys: OutputConfig.keys), name: name)
            },
            device: try reader.optional("device") { value, path throws(ConfigError) in try Config.readDevice(value, at: path) })
    }

    var json: JSONValue {
        var members = [
            JSONMember("name", .string(name)), JSONMember("data", data.json),
            JSONMember("network", .array(network.map(\.json))), JSONMember("training", training.json),
            JSONMember("output", output.json),
        ]
        if let device { members.append(JSONMember("device", .string(device))) }
        return .object(members)
    }

    private static func readName(_ value: JSONValue, at path: String) throws(ConfigError) -> String {
        let name = try value.string(at: path)
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
        }
        guard allowed, name.count <= 128, name != ".", name != ".." else {
            throw ConfigError(
                path: path, "expected a run name of letters, digits, '_', '-' and '.', got \(value.userDescription)")
        }
        return name
    }

    private static func readDevice(_ value: JSONValue, at path: String) throws(ConfigError) -> String {
        let expected = "expected \"cpu\", \"opencl\", \"opencl:N\" or \"auto\""
        guard case .string(let device) = value else { throw ConfigError(path: path, "\(expected), got \(value.userDescription)") }
        switch device {
        case "cpu", "opencl", "auto": return device
        default:
            let index = device.dropFirst("opencl:".count)
            guard device.hasPrefix("opencl:"), !index.isEmpty, index.count <= 3, index.allSatisfy(\.isASCII),
                index.allSatisfy(\.isNumber)
            else { throw ConfigError(path: path, "\(expected), got \(value.userDescription)") }
            return device
        }
    }
}

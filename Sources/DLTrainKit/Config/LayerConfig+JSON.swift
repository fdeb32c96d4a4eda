/// Reading and writing the `"network"` array.
extension LayerConfig {
    /// Reads the layers of `"network"`, resolving default names and rejecting duplicate names.
    static func network(from value: JSONValue, at path: String) throws(ConfigError) -> [LayerConfig] {
        let items = try value.array(at: path) { item, _ in item }
        guard !items.isEmpty else { throw ConfigError(path: path, "expected at least one layer, got an empty array") }
        var counters: [String: Int] = [:]
        var owners: [String: Int] = [:]
        var layers: [LayerConfig] = []
        for (index, item) in items.enumerated() {
            let layerPath = "\(path)[\(index)]"
            let (kind, explicitName) = try read(item, at: layerPath)
            let prefix = kind.type.namePrefix
            counters[prefix, default: 0] += 1
            let name = explicitName ?? prefix + String(counters[prefix, default: 1])
            if let owner = owners[name] {
                let what = explicitName == nil ? "its default name" : "the name"
                throw ConfigError(
                    path: explicitName == nil ? layerPath : layerPath + ".name",
                    "\(what) \"\(name)\" is already used by \(path)[\(owner)]; give one of them another \"name\"")
            }
            owners[name] = index
            layers.append(LayerConfig(name: name, kind: kind))
        }
        return layers
    }

    /// The layer as a config-file object, every setting written out.
    var json: JSONValue {
        .object([JSONMember("type", .string(kind.type.rawValue)), JSONMember("name", .string(name))] + kind.settingsJSON)
    }

    private static func read(_ value: JSONValue, at path: String) throws(ConfigError) -> (LayerKind, String?) {
        let type = try value.typeMember(at: path, noun: "a layer").choice(of: LayerType.self, at: path + ".type", noun: "layer type")
        let reader = try ObjectReader(value, at: path, allowedKeys: ["type", "name"] + type.settingKeys)
        let name = try reader.optional("name") { value, path throws(ConfigError) in try readName(value, at: path) }
        return (try LayerKind(type, reader), name)
    }

    private static func readName(_ value: JSONValue, at path: String) throws(ConfigError) -> String {
        let name = try value.string(at: path)
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        guard allowed, name.count <= 64 else {
            throw ConfigError(path: path, "expected a name of at most 64 letters, digits, '_' and '-', got \(value.userDescription)")
        }
        return name
    }
}

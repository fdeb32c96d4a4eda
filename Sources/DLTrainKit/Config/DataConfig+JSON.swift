/// Reading and writing `"data"`.
extension DataConfig {
    static let keys = [
        "train", "validation", "validation_split", "input", "normalize", "augment", "cache_megabytes", "workers",
        "on_bad_image", "max_pixels",
    ]

    init(_ reader: ObjectReader) throws(ConfigError) {
        train = try reader.string("train")
        validation = try reader.optionalString("validation")
        validationSplit = try reader.optional("validation_split") { value, path throws(ConfigError) in
            try value.double(at: path, in: .openUnitInterval)
        }
        if validation != nil, validationSplit != nil {
            throw ConfigError(
                path: reader.path(of: "validation_split"),
                "expected either \"validation\" or \"validation_split\", got both")
        }
        input = try reader.required("input") { value, path throws(ConfigError) in
            try InputConfig(ObjectReader(value, at: path, allowedKeys: InputConfig.keys))
        }
        let channels = input.channels
        normalize = try reader.optional("normalize") { value, path throws(ConfigError) in
            try NormalizeConfig(ObjectReader(value, at: path, allowedKeys: NormalizeConfig.keys), channels: channels)
        } ?? .identity(channels: channels)
        augment = try reader.optional("augment", default: AugmentConfig()) { value, path throws(ConfigError) in
            try AugmentConfig(ObjectReader(value, at: path, allowedKeys: AugmentConfig.keys))
        }
        cacheMegabytes = try reader.integer("cache_megabytes", in: Limits.cacheMegabytes, default: 2048)
        workers = try reader.optionalInteger("workers", in: Limits.workers)
        onBadImage = try reader.optional("on_bad_image", default: .fail) { value, path throws(ConfigError) in
            try value.choice(of: BadImagePolicy.self, at: path, noun: "policy")
        }
        maxPixels = try reader.integer("max_pixels", in: Limits.maxPixels, default: DataConfig.defaultMaxPixels)
    }

    /// All settings with defaults filled in; `validation`, `validation_split` and `workers` only when set.
    var json: JSONValue {
        var members = [JSONMember("train", .string(train))]
        if let validation { members.append(JSONMember("validation", .string(validation))) }
        if let validationSplit { members.append(JSONMember("validation_split", .double(validationSplit))) }
        members += [
            JSONMember("input", input.json), JSONMember("normalize", normalize.json),
            JSONMember("augment", augment.json), JSONMember("cache_megabytes", .integer(cacheMegabytes)),
        ]
        if let workers { members.append(JSONMember("workers", .integer(workers))) }
        members.append(JSONMember("on_bad_image", .string(onBadImage.rawValue)))
        members.append(JSONMember("max_pixels", .integer(maxPixels)))
        return .object(members)
    }
}

/// Reading and writing `"training.schedule"`.
extension ScheduleConfig {
    /// Reads a schedule; `epochs` and `learningRate` bound the warm-up and the cosine floor.
    init(_ value: JSONValue, at path: String, epochs: Int, learningRate: Float) throws(ConfigError) {
        let name = try value.typeMember(at: path, noun: "a schedule").choice(of: Name.self, at: path + ".type", noun: "schedule")
        let reader: ObjectReader
        switch name {
        case .constant:
            reader = try ObjectReader(value, at: path, allowedKeys: ["type", "warmup_epochs"])
            kind = .constant
        case .step:
            reader = try ObjectReader(value, at: path, allowedKeys: ["type", "warmup_epochs", "step_epochs", "gamma"])
            kind = .step(
                stepEpochs: try reader.integer("step_epochs", in: Limits.epochs),
                gamma: try reader.float("gamma", in: .positive, default: 0.1))
        case .cosine:
            reader = try ObjectReader(value, at: path, allowedKeys: ["type", "warmup_epochs", "min_learning_rate"])
            let minimum = try reader.float("min_learning_rate", in: .nonNegative, default: 0)
            guard minimum <= learningRate else {
                throw ConfigError(
                    path: reader.path(of: "min_learning_rate"),
                    "expected at most the learning rate (\(learningRate)), got \(minimum)")
            }
            kind = .cosine(minLearningRate: minimum)
        }
        warmupEpochs = try reader.integer("warmup_epochs", in: 0...epochs, default: 0)
    }

    var json: JSONValue {
        var members: [JSONMember]
        switch kind {
        case .constant: members = [JSONMember("type", .string("constant"))]
        case .step(let stepEpochs, let gamma):
            members = [JSONMember("type", .string("step")), JSONMember("step_epochs", .integer(stepEpochs)),
                       JSONMember("gamma", .float(gamma))]
        case .cosine(let minimum):
            members = [JSONMember("type", .string("cosine")), JSONMember("min_learning_rate", .float(minimum))]
        }
        members.append(JSONMember("warmup_epochs", .integer(warmupEpochs)))
        return .object(members)
    }
}

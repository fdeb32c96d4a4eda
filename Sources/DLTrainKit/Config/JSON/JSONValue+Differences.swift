extension JSONValue {
    /// Where `self` and `other` differ, as paths (`training.optimizer.learning_rate`, `network[3].filters`) with
    /// both values as a user sees them. A member on one side only, or arrays of different lengths, differ as a whole.
    func differences(from other: JSONValue, at path: String = "") -> [(path: String, mine: String, theirs: String)] {
        switch (self, other) {
        case let (.object(mine), .object(theirs)):
            // Another `type` (of a layer, an optimizer, a schedule) brings other keys and defaults: name it alone.
            let (myType, theirType) = (mine.first { $0.key == "type" }?.value, theirs.first { $0.key == "type" }?.value)
            if let myType, let theirType, myType != theirType {
                return [(path.isEmpty ? "type" : "\(path).type", myType.userDescription, theirType.userDescription)]
            }
            let keys = mine.map(\.key) + theirs.map(\.key).filter { key in !mine.contains { $0.key == key } }
            return keys.flatMap { key -> [(path: String, mine: String, theirs: String)] in
                let child = path.isEmpty ? key : "\(path).\(key)"
                let (left, right) = (mine.first { $0.key == key }?.value, theirs.first { $0.key == key }?.value)
                guard let left, let right else {
                    return [(child, left?.userDescription ?? "absent", right?.userDescription ?? "absent")]
                }
                return left.differences(from: right, at: child)
            }
        case let (.array(mine), .array(theirs)) where mine.count == theirs.count:
            return zip(mine, theirs).enumerated().flatMap { index, pair in
                pair.0.differences(from: pair.1, at: "\(path)[\(index)]")
            }
        case let (.array(mine), .array(theirs)):
            func entries(_ count: Int) -> String { count == 1 ? "1 entry" : "\(count) entries" }
            return [(path, entries(mine.count), entries(theirs.count))]
        default:
            return self == other ? [] : [(path, userDescription, other.userDescription)]
        }
    }
}

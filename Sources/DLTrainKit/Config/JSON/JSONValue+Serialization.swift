extension JSONValue {
    /// The JSON text of this value: compact on one line, or indented by two spaces with object keys sorted.
    func serialized(pretty: Bool = false) -> String {
        var text = ""
        write(into: &text, pretty: pretty, indent: 0)
        return text
    }

    private func write(into text: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let literal): text += literal
        case .string(let value): JSONValue.writeString(value, into: &text)
        case .array(let items):
            writeContainer(items, open: "[", close: "]", inline: items.allSatisfy(\.isScalar), into: &text, pretty: pretty, indent: indent) { item, text in
                item.write(into: &text, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            let ordered = pretty ? members.sorted { $0.key < $1.key } : members
            writeContainer(ordered, open: "{", close: "}", inline: false, into: &text, pretty: pretty, indent: indent) { member, text in
                JSONValue.writeString(member.key, into: &text)
                text += pretty ? ": " : ":"
                member.value.write(into: &text, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func writeContainer<Item>(
        _ items: [Item], open: String, close: String, inline: Bool, into text: inout String, pretty: Bool, indent: Int,
        writeItem: (Item, inout String) -> Void
    ) {
        text += open
        guard !items.isEmpty else {
            text += close
            return
        }
        for (index, item) in items.enumerated() {
            if index > 0 { text += pretty && inline ? ", " : "," }
            if pretty && !inline { text += "\n" + String(repeating: "  ", count: indent + 1) }
            writeItem(item, &text)
        }
        if pretty && !inline { text += "\n" + String(repeating: "  ", count: indent) }
        text += close
    }

    /// Whether the value is neither an array nor an object; pretty output keeps arrays of scalars on one line.
    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        case .null, .bool, .number, .string: true
        }
    }

    private static func writeString(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

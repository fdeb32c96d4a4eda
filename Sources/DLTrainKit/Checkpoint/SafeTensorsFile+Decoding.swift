import Foundation

/// Reading the safetensors byte layout from untrusted bytes: every length, offset and dimension is checked
/// against the file before anything is allocated from it.
extension SafeTensorsFile {
    /// Parses and validates safetensors bytes; `file` names the source in errors.
    public init(data: Data, file: String? = nil) throws(CheckpointError) {
        func fail(_ message: String) -> CheckpointError { CheckpointError(file: file, message) }
        guard data.count >= 8 else {
            throw fail("not a safetensors file: \(data.count) bytes, fewer than the 8-byte header length")
        }
        let declared = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(SafeTensorsFile.maximumHeaderLength) else {
            // Text where the length should be: most likely a config or another JSON file passed by mistake.
            if data.first(where: { !" \t\r\n".utf8.contains($0) }) == UInt8(ascii: "{") {
                throw fail("not a safetensors checkpoint: the file holds JSON (a config?)")
            }
            throw fail("header length \(declared) is over the limit of \(SafeTensorsFile.maximumHeaderLength) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= data.count - 8 else {
            throw fail("header length \(headerLength) runs past the end of the file (\(data.count) bytes)")
        }
        let headerStart = data.startIndex + 8
        let header = [UInt8](data[headerStart..<headerStart + headerLength])
        let body = data[(headerStart + headerLength)...]
        let (entries, metadata) = try SafeTensorsFile.entries(of: header, dataSize: body.count, fail: fail)

        var tensors: [NamedTensor] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            let start = body.startIndex + entry.begin
            var values = [Float](repeating: 0, count: entry.count)
            values.withUnsafeMutableBytes { _ = body[start..<start + entry.count * 4].copyBytes(to: $0) }
            for index in values.indices {
                values[index] = Float(bitPattern: UInt32(littleEndian: values[index].bitPattern))
            }
            tensors.append(NamedTensor(name: entry.name, shape: entry.shape, values: values))
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// One tensor's header entry, validated.
    private struct Entry {
        var name: String
        var shape: [Int]
        var count: Int
        var begin: Int
    }

    /// The header's tensor entries in data order with its metadata, after checking that their byte ranges
    /// exactly tile the `dataSize`-byte data section.
    private static func entries(
        of header: [UInt8], dataSize: Int, fail: (String) -> CheckpointError
    ) throws(CheckpointError) -> (entries: [Entry], metadata: [String: String]) {
        guard String(validating: header, as: UTF8.self) != nil else { throw fail("header is not UTF-8 text") }
        let json: JSONValue
        do {
            json = try JSONParser.parse(header)
        } catch {
            throw fail("header is not valid JSON (line \(error.line), column \(error.column): \(error.message))")
        }
        guard case .object(let members) = json else { throw fail("header is not a JSON object") }
        guard Set(members.map(\.key)).count == members.count else { throw fail("header has a duplicate tensor name") }

        var metadata: [String: String] = [:]
        var entries: [(entry: Entry, end: Int)] = []
        for member in members {
            if member.key == metadataKey {
                metadata = try metadataPairs(member.value, fail: fail)
            } else {
                entries.append(try entry(member, dataSize: dataSize, fail: fail))
            }
        }
        entries.sort { ($0.entry.begin, $0.end) < ($1.entry.begin, $1.end) }
        var expectedBegin = 0
        for (entry, end) in entries {
            guard entry.begin == expectedBegin else {
                let problem = entry.begin < expectedBegin ? "overlaps the tensor before it" : "leaves a gap before it"
                throw fail("tensor \"\(entry.name)\" at bytes \(entry.begin)..<\(end) \(problem)")
            }
            expectedBegin = end
        }
        guard expectedBegin == dataSize else {
            throw fail("the tensors cover \(expectedBegin) bytes but the data section has \(dataSize)")
        }
        return (entries.map(\.entry), metadata)
    }

    private static func entry(
        _ member: JSONMember, dataSize: Int, fail: (String) -> CheckpointError
    ) throws(CheckpointError) -> (entry: Entry, end: Int) {
        let name = member.key
        guard case .object(let fields) = member.value else { throw fail("tensor \"\(name)\": entry is not an object") }
        let field = { (key: String) in fields.first { $0.key == key }?.value }
        guard let dtype = field("dtype"), case .string(let type) = dtype else {
            throw fail("tensor \"\(name)\": missing \"dtype\"")
        }
        guard type == "F32" else { throw fail("tensor \"\(name)\" has dtype \(type); dltrain reads only F32") }
        guard let shapeValue = field("shape"), case .array(let dimensions) = shapeValue else {
            throw fail("tensor \"\(name)\": missing \"shape\" array")
        }
        var shape: [Int] = []
        var count = 1
        for dimension in dimensions {
            guard let extent = dimension.plainInteger, extent <= Int(Int32.max) else {
                throw fail("tensor \"\(name)\": shape \(shapeValue.serialized()) has a negative, fractional or huge dimension")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= dataSize / 4 else {
                throw fail("tensor \"\(name)\": shape \(shapeValue.serialized()) needs more bytes than the file holds")
            }
            shape.append(extent)
            count = product
        }
        guard let offsetsValue = field("data_offsets"), case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = offsets[0].plainInteger, let end = offsets[1].plainInteger
        else { throw fail("tensor \"\(name)\": \"data_offsets\" is not a pair of non-negative integers") }
        guard begin <= end, end <= dataSize else {
            throw fail("tensor \"\(name)\": data_offsets [\(begin), \(end)] fall outside the \(dataSize)-byte data section")
        }
        guard end - begin == count * 4 else {
            throw fail("tensor \"\(name)\": data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but shape \(shapeValue.serialized()) needs \(count * 4)")
        }
        return (Entry(name: name, shape: shape, count: count, begin: begin), end)
    }

    private static func metadataPairs(
        _ value: JSONValue, fail: (String) -> CheckpointError
    ) throws(CheckpointError) -> [String: String] {
        guard case .object(let pairs) = value else { throw fail("\"__metadata__\" is not an object") }
        var metadata: [String: String] = [:]
        for pair in pairs {
            guard case .string(let text) = pair.value else {
                throw fail("\"__metadata__\" value for \"\(pair.key)\" is not a string")
            }
            metadata[pair.key] = text
        }
        return metadata
    }
}

extension JSONValue {
    /// The value as a non-negative integer written with digits only (no sign, fraction or exponent).
    var plainInteger: Int? {
        guard case .number(let literal) = self, literal.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(literal)
    }
}

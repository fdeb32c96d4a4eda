import Foundation

/// Writing the safetensors byte layout.
extension SafeTensorsFile {
    /// The file's bytes: header length, space-padded JSON header, then each tensor's little-endian float32 values.
    public func encoded() -> Data {
        var entries: [JSONMember] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }
            entries.append(JSONMember(SafeTensorsFile.metadataKey, .object(pairs)))
        }
        var offset = 0
        for tensor in tensors {
            let end = offset + tensor.values.count * MemoryLayout<Float>.size
            entries.append(JSONMember(tensor.name, .object([
                JSONMember("dtype", .string("F32")),
                JSONMember("shape", .array(tensor.shape.map(JSONValue.integer))),
                JSONMember("data_offsets", .array([.integer(offset), .integer(end)])),
            ])))
            offset = end
        }
        var header = Array(JSONValue.object(entries).serialized().utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var bytes = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for tensor in tensors {
            let littleEndian = tensor.values.map { $0.bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}

import XCTest
@testable import DLTrainKit

/// Safetensors writing (byte layout checked by hand), reading, and rejection of hostile files.
final class SafeTensorsTests: XCTestCase {
    /// A file from a raw header text and data bytes, with the given (or the true) header length.
    private func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    private func error(reading data: Data) -> String? {
        do {
            _ = try SafeTensorsFile(data: data, file: "x.safetensors")
            return nil
        } catch {
            return error.description
        }
    }

    func testByteLayoutMatchesTheFormatByHand() {
        let encoded = SafeTensorsFile(tensors: [NamedTensor(name: "a", shape: [2], values: [1, -2])]).encoded()
        let json = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertEqual(json.utf8.count, 54)
        // 54 header bytes pad to 56 with two spaces; 8 + 56 + 8 data bytes.
        XCTAssertEqual(Array(encoded.prefix(8)), [56, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(String(decoding: encoded[8..<64], as: UTF8.self), json + "  ")
        XCTAssertEqual(Array(encoded[64...]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testRoundTripKeepsOrderShapesValuesAndMetadata() throws {
        let original = SafeTensorsFile(
            tensors: [
                NamedTensor(name: "conv1.weight", shape: [2, 1, 2, 2], values: (0..<8).map { Float($0) * 0.5 - 1 }),
                NamedTensor(name: "conv1.bias", shape: [2], values: [.pi, -.infinity]),
                NamedTensor(name: "step", shape: [], values: [42]),
                NamedTensor(name: "empty", shape: [0, 3], values: []),
            ],
            metadata: ["epoch": "3", "config": "{\"name\": \"t\"}\n", "é": "ü"])
        let encoded = original.encoded()
        // Data: (8 + 2 + 1 + 0) floats = 44 bytes after the space-padded header.
        let headerLength = Int(encoded.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertEqual(encoded.count, 8 + headerLength + 44)
        let decoded = try SafeTensorsFile(data: encoded)
        XCTAssertEqual(decoded, original)
        XCTAssertEqual(decoded["conv1.bias"]?.values.last, -.infinity)
        XCTAssertNil(decoded["missing"])
    }

    func testReadsFilesWhoseHeaderListsTensorsOutOfDataOrder() throws {
        let header = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let decoded = try SafeTensorsFile(data: file(header: header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]))
        XCTAssertEqual(decoded.tensors, [NamedTensor(name: "a", shape: [1], values: [1]), NamedTensor(name: "b", shape: [1], values: [2])])
    }

    static let hostile: [(String, [UInt8], UInt64?, String, UInt)] = {
        let one = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        return [
            (#"{}"#, [], 1 << 40, "header length 1099511627776 is over the limit of 100000000 bytes", #line),
            (one, [0, 0, 0, 0], 4096, "header length 4096 runs past the end of the file (66 bytes)", #line),
            (#"{"a": }"#, [], nil, "header is not valid JSON (line 1, column 7: expected a value, got '}')", #line),
            (#"[]"#, [], nil, "header is not a JSON object", #line),
            (#"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, [0, 0], nil,
             #"tensor "a" has dtype BF16; dltrain reads only F32"#, #line),
            (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": shape [-1] has a negative, fractional or huge dimension"#, #line),
            (#"{"a":{"dtype":"F32","shape":[1e3],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": shape [1e3] has a negative, fractional or huge dimension"#, #line),
            (#"{"a":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": shape [65536,65536] needs more bytes than the file holds"#, #line),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": data_offsets [0, 400] fall outside the 4-byte data section"#, #line),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": data_offsets [4, 0] fall outside the 4-byte data section"#, #line),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0, 0, 0, 0, 0], nil,
             #"tensor "a": data_offsets [0, 4] hold 4 bytes, but shape [2] needs 8"#, #line),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
             [0, 0, 0, 0, 0, 0, 0, 0], nil, #"tensor "b" at bytes 0..<4 overlaps the tensor before it"#, #line),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, [0, 0, 0, 0, 0, 0, 0, 0], nil,
             #"tensor "a" at bytes 4..<8 leaves a gap before it"#, #line),
            (one, [0, 0, 0, 0, 9, 9], nil, "the tensors cover 4 bytes but the data section has 6", #line),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, [0, 0, 0, 0], nil,
             #"tensor "a": "data_offsets" is not a pair of non-negative integers"#, #line),
            (#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], nil, #"tensor "a": missing "dtype""#, #line),
            (#"{"a":[]}"#, [], nil, #"tensor "a": entry is not an object"#, #line),
            (#"{"__metadata__":{"epoch":3}}"#, [], nil, #""__metadata__" value for "epoch" is not a string"#, #line),
            (#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#,
             [], nil, "header has a duplicate tensor name", #line),
        ]
    }()

    func testHostileFilesGiveTypedErrorsNamingTheFile() {
        for (header, data, declared, message, line) in Self.hostile {
            XCTAssertEqual(error(reading: file(header: header, data: data, declaredLength: declared)),
                           "x.safetensors: " + message, line: line)
        }
        XCTAssertEqual(error(reading: Data([1, 2, 3])),
                       "x.safetensors: not a safetensors file: 3 bytes, fewer than the 8-byte header length")
        XCTAssertEqual(error(reading: Data(file(header: "{\"\u{FF}\":1}").map { $0 == 0xC3 ? 0xFF : $0 })),
                       "x.safetensors: header is not UTF-8 text")
        XCTAssertEqual(error(reading: file(header: String(repeating: "[", count: 10_000))),
                       "x.safetensors: header is not valid JSON (line 1, column 257: nesting deeper than 256 levels)")
    }

    func testReadingAMissingFileNamesIt() {
        XCTAssertThrowsError(try SafeTensorsFile.read(from: URL(fileURLWithPath: "/nonexistent/last.safetensors"))) { error in
            XCTAssertEqual("\(error)", "/nonexistent/last.safetensors: cannot read the file (no such file)")
        }
    }
}

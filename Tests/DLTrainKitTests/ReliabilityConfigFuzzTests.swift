import Foundation
import XCTest
@testable import DLTrainKit

/// Seeded random mutations of valid configs: every one either loads (and then plans) or throws a `ConfigError`
/// that reads as one line — never a crash, a hang or an untyped error.
final class ReliabilityConfigFuzzTests: XCTestCase {
    static let cases = 1500

    /// Valid starting points: the tiny test config and every config in the repository.
    private func seeds() throws -> [JSONValue] {
        let tiny = ReliabilityFixture.configText(data: URL(fileURLWithPath: "/data"), output: URL(fileURLWithPath: "/out"))
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../configs")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        return try ([Data(tiny.utf8)] + files.map { try Data(contentsOf: $0) }).map { try Config.parse($0) }
    }

    func testMutatedConfigsLoadOrFailWithOneLine() throws {
        let seeds = try seeds()
        XCTAssertGreaterThanOrEqual(seeds.count, 3)
        var mutator = ConfigMutator(seed: 20_261_126)
        var rejected = 0
        var longest = 0.0
        for index in 0..<Self.cases {
            let bytes = mutator.mutatedBytes(of: seeds[index % seeds.count])
            let start = Date()
            do {
                let config = try Config(jsonData: bytes, file: "fuzz.json")
                XCTAssertNoThrow(try config.networkPlan(), "case \(index) loaded but does not plan")
            } catch {
                rejected += 1
                let text = error.description
                XCTAssertFalse(text.isEmpty, "case \(index)")
                XCTAssertFalse(text.contains("\n"), "case \(index): \(text)")
                XCTAssertTrue(text.hasPrefix("fuzz.json: "), "case \(index): \(text)")
                XCTAssertLessThan(text.count, 600, "case \(index): \(text)")
            }
            longest = max(longest, Date().timeIntervalSince(start))
        }
        XCTAssertGreaterThan(rejected, Self.cases * 8 / 10, "most mutations must be invalid to test anything")
        XCTAssertLessThan(longest, 1.0, "one config took \(longest) s")
    }
}

/// Random edits of a JSON config: type swaps, hostile numbers, removed and unknown keys, deep nesting, zero and
/// huge sizes, and byte-level damage (non-UTF-8, truncation).
struct ConfigMutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    /// Stands for nesting too deep to build as a tree; spliced into the text as hundreds of brackets.
    private static let deepMarker = "@@deep@@"

    private static let numbers = ["-1", "0", "-0", "1e308", "-1e308", "1e999", "9223372036854775808", "2.5",
                                  "1e-320", "4294967296", "65537", "100000000", "-9007199254740993", "0.0"]

    /// One to three tree edits, then (one time in six) damage to the bytes.
    mutating func mutatedBytes(of value: JSONValue) -> Data {
        var tree = value
        for _ in 0...next(3) { tree = mutate(tree, depth: 0) }
        var text = tree.serialized()
        while let marker = text.range(of: "\"\(Self.deepMarker)\"") {
            let levels = [300, 5000, 100_000][next(3)]
            let open = next(2) == 0 ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            text.replaceSubrange(marker, with: String(repeating: open, count: levels) + "1"
                                 + String(repeating: close, count: levels))
        }
        var bytes = Array(text.utf8)
        if next(6) == 0 {
            switch next(4) {
            case 0: bytes.insert(0xFF, at: next(bytes.count))
            case 1: bytes.insert(contentsOf: [0xC3, 0x28], at: next(bytes.count))
            case 2: bytes = Array(bytes.prefix(next(bytes.count)))
            default: bytes[next(bytes.count)] = UInt8(next(256))
            }
        }
        return Data(bytes)
    }

    /// Walks to a random node and replaces it.
    private mutating func mutate(_ value: JSONValue, depth: Int) -> JSONValue {
        switch value {
        case .object(var members) where !members.isEmpty && next(3) > 0:
            let index = next(members.count)
            switch next(8) {
            case 0: members.remove(at: index)
            case 1:
                let key = ["filter", "epoch", "unknown", "", "é", "line\nbreak", String(repeating: "k", count: 3000)][next(7)]
                members.append(JSONMember(key, randomLeaf()))
            case 2: members.append(members[index])
            default: members[index].value = mutate(members[index].value, depth: depth + 1)
            }
            return .object(members)
        case .array(var elements) where !elements.isEmpty && next(3) > 0:
            let index = next(elements.count)
            switch next(6) {
            case 0: elements.remove(at: index)
            case 1: elements.append(elements[index])
            default: elements[index] = mutate(elements[index], depth: depth + 1)
            }
            return .array(elements)
        default:
            return replacement(for: value)
        }
    }

    private mutating func replacement(for value: JSONValue) -> JSONValue {
        switch next(6) {
        case 0: return next(2) == 0 ? nested(value, levels: [3, 40][next(2)]) : .string(Self.deepMarker)
        case 1: return .array([])
        case 2: return .object([])
        default: return randomLeaf()
        }
    }

    private mutating func randomLeaf() -> JSONValue {
        switch next(6) {
        case 0: return .null
        case 1: return .bool(next(2) == 0)
        case 2:
            return .string(["", "relu", "x", String(repeating: "a", count: 5000), "\u{0}", "two\nlines", "cpu"][next(7)])
        default: return .number(Self.numbers[next(Self.numbers.count)])
        }
    }

    private mutating func nested(_ value: JSONValue, levels: Int) -> JSONValue {
        (0..<levels).reduce(value) { inner, _ in next(2) == 0 ? .array([inner]) : .object([JSONMember("a", inner)]) }
    }
}

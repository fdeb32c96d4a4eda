import XCTest
@testable import DLTrainKit

/// The strict JSON parser and writer under the config and safetensors readers.
final class ConfigJSONTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    func testParsesEveryKindOfValueKeepingOrderAndLiterals() throws {
        let value = try parse(#" { "b": [1, 2.50, -3e2, true, false, null], "a": "x\n\u00e9\ud83d\ude00\"" } "#)
        XCTAssertEqual(value, .object([
            JSONMember("b", .array([.number("1"), .number("2.50"), .number("-3e2"), .bool(true), .bool(false), .null])),
            JSONMember("a", .string("x\né😀\"")),
        ]))
    }

    func testSyntaxErrorsCarryLineAndColumn() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 01\n}")) { error in
            XCTAssertEqual(error as? JSONParser.SyntaxError,
                           JSONParser.SyntaxError(line: 2, column: 9, message: "expected ',' or '}' after an object member, got '1'"))
        }
        XCTAssertThrowsError(try parse(#"{"é": tru}"#)) { error in
            XCTAssertEqual((error as? JSONParser.SyntaxError)?.column, 7)
        }
        XCTAssertThrowsError(try parse(#"["\ud800"]"#))
        XCTAssertThrowsError(try parse("\"tab\there\""))
        XCTAssertThrowsError(try parse("1 2"))
        XCTAssertThrowsError(try parse(""))
    }

    func testDeepNestingIsAnErrorNotAStackOverflow() {
        let deep = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try parse(deep)) { error in
            XCTAssertEqual((error as? JSONParser.SyntaxError)?.message, "nesting deeper than 256 levels")
        }
    }

    func testWriterEscapesAndRoundTrips() throws {
        let value = JSONValue.object([JSONMember("z", .string("q\"\\\u{01}")), JSONMember("a", .array([.integer(1), .float(0.1)]))])
        XCTAssertEqual(value.serialized(), #"{"z":"q\"\\\u0001","a":[1,0.1]}"#)
        XCTAssertEqual(value.serialized(pretty: true), "{\n  \"a\": [1, 0.1],\n  \"z\": \"q\\\"\\\\\\u0001\"\n}")
        XCTAssertEqual(try parse(value.serialized()), value)
    }
}

import ArgumentParser
import DLTrainKit
import Foundation

/// `dltrain summary <config>`: the layer table, checked without reading any data.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a config's network: output shapes, parameters and FLOPs per layer.")

    @Argument(help: "The JSON config file.")
    var config: String

    func run() throws {
        let loaded = try Config.load(from: URL(fileURLWithPath: config))
        print(try loaded.networkPlan().summaryTable())
    }
}

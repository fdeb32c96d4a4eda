import ArgumentParser
import DLTrainKit
import Foundation

/// `dltrain predict <checkpoint> <image>...`: the most likely classes of each image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a checkpoint.",
        discussion: "Prints each readable image's top classes; an unreadable one is reported on standard error and "
            + "makes the exit status 1, after the others are answered.")

    @Argument(help: "A .safetensors checkpoint written by dltrain train.")
    var checkpoint: String

    @Argument(help: "PNG or JPEG files.")
    var images: [String]

    @Option(help: "How many classes to show per image.")
    var top = 3

    @OptionGroup var deviceOptions: DeviceOptions

    func validate() throws {
        if images.isEmpty { throw ValidationError("name at least one image") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let engine = try deviceOptions.makeEngine()
        let predictor = try Predictor(checkpoint: URL(fileURLWithPath: checkpoint), engine: engine)
        let results = try predictor.predict(images.map { URL(fileURLWithPath: $0) }, top: top)
        var failed = 0
        for (path, result) in zip(images, results) {
            switch result {
            case .success(let ranking):
                print(path)
                for entry in ranking {
                    print(String(format: "  %6.2f%%  %@", entry.probability * 100, entry.className))
                }
            case .failure(let error):
                failed += 1
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            }
        }
        // Every readable file is answered; a bad one still makes the command fail, after the others.
        if failed > 0 { throw ExitCode.failure }
    }
}

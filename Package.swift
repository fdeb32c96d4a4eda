// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dltrain",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dltrain", targets: ["dltrain"]),
        .library(name: "DLTrainKit", targets: ["DLTrainKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages; scripts/setup.sh installs them).
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "COpenCL", path: "Sources/COpenCL"),
        .systemLibrary(name: "CCLBlast", path: "Sources/CCLBlast"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),

        // The engine protocol every layer is written against.
        .target(name: "Engine"),
        // Vector loops compiled for AVX-512, AVX2 and baseline x86-64, picked at load time (the Swift targets
        // build for baseline x86-64 only).
        .target(name: "CVectorKernels"),
        .target(name: "CPUEngine", dependencies: ["Engine", "COpenBLAS", "CVectorKernels"]),
        .target(
            name: "OpenCLEngine",
            dependencies: ["Engine", "COpenCL", "CCLBlast"],
            exclude: ["Kernels"]  // the .cl sources, embedded by scripts/embed-opencl-kernels.sh
        ),
        // Image decoding (libpng, TurboJPEG) and resampling.
        .target(name: "ImageIO", dependencies: ["CPNG", "CTurboJPEG"]),

        .target(
            name: "DLTrainKit",
            dependencies: [
                "Engine", "ImageIO",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one place that knows the concrete engines: parses `--device`, lists devices.
        .target(name: "EngineFactory", dependencies: ["Engine", "CPUEngine", "OpenCLEngine"]),
        .executableTarget(
            name: "dltrain",
            dependencies: [
                "DLTrainKit", "EngineFactory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "EngineTests", dependencies: ["Engine", "CPUEngine", "OpenCLEngine", "CVectorKernels"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "CPNG", "CTurboJPEG"]),
        .testTarget(name: "DLTrainKitTests", dependencies: ["DLTrainKit", "Engine", "CPUEngine", "OpenCLEngine"]),
        .testTarget(name: "EndToEndTests", dependencies: ["DLTrainKit", "ImageIO", "dltrain"]),
    ]
)

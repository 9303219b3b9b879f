// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sockworks",
    products: [
        .executable(name: "sockworks", targets: ["sockworks"]),
        .library(name: "SocketCore", targets: ["SocketCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The C core. The same folder builds alone with `make -C CSources`;
        // its tests, fuzzers and examples are built by that Makefile only.
        .target(
            name: "CSockCore",
            path: "CSources",
            exclude: ["tests", "fuzz", "examples", "Makefile", "sockcore.pc.in"],
            publicHeadersPath: "include"
        ),
        // Benchmark-only C kernels (the textbook checksum loop and the memory
        // read limit), compiled with the same flags as the core.
        .target(name: "CSockBench"),
        // Shims for system calls Swift cannot import (GNU extensions, macros).
        .target(name: "CSystemShims"),
        .target(
            name: "SocketCore",
            dependencies: ["CSockCore"]
        ),
        .target(
            name: "Bench",
            dependencies: ["SocketCore", "CSockCore", "CSockBench", "CSystemShims"]
        ),
        .executableTarget(
            name: "sockworks",
            dependencies: [
                "Bench",
                "SocketCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SocketCoreTests", dependencies: ["SocketCore", "CSockCore"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench"]),
        .testTarget(name: "SockworksTests", dependencies: ["sockworks"]),
    ],
    swiftLanguageModes: [.v6]
)

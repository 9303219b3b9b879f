// swift-tools-version: 6.1
// The SwiftNIO echo server that `sockworks bench` measures beside its own
// models: the few lines of apple/swift-nio's NIOEchoServer example, with the
// number of event loops given on the command line. A package of its own so
// that neither the root build nor the micro-benchmarks compile SwiftNIO; the
// benchmark suite builds it (release) the first time it needs it.
import PackageDescription

let package = Package(
    name: "NIOEchoServer",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2")
    ],
    targets: [
        .executableTarget(
            name: "NIOEchoServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)

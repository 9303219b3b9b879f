// swift-tools-version: 6.1
// Micro-benchmarks of the C core, kept in their own package so that the root
// build never compiles package-benchmark. Run from this folder:
//   swift package benchmark
//   swift package benchmark baseline update main
//   swift package benchmark baseline compare main
import PackageDescription

let package = Package(
    name: "SockworksBenchmarks",
    dependencies: [
        .package(name: "Sockworks", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SocketCore", package: "Sockworks"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)

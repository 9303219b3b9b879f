// swift-tools-version: 6.1
import PackageDescription

// A package outside Sockworks that uses its SocketCore library, depending on
// it by version as any downstream package would. SwiftPM refuses unsafe build
// flags in the targets of such a dependency (it allows them only for a local
// `path:` one), so this builds only while SocketCore's targets carry none.
// tools/check-downstream builds it against a tagged clone of the repository,
// through a mirror of the URL below.
let package = Package(
    name: "SocketCoreUser",
    dependencies: [
        .package(url: "https://github.com/sockworks/sockworks", from: "0.1.0")
    ],
    targets: [
        .executableTarget(
            name: "socketcore-user",
            dependencies: [.product(name: "SocketCore", package: "sockworks")]
        )
    ],
    swiftLanguageModes: [.v6]
)

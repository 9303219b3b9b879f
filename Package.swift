// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sockworks",
    products: [
        .executable(name: "sockworks", targets: ["sockworks"]),
        .executable(name: "icmpping", targets: ["icmpping"]),
        .library(name: "SocketCore", targets: ["SocketCore"]),
        .library(name: "Streams", targets: ["Streams"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The scoreboard's counters live in memory shared with forked
        // workers: UnsafeAtomic works on such memory, the standard library's
        // Atomic only on its own storage.
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // Tests start the real executables through it: children get a clean
        // signal mask, and no Foundation.Process state outlives them.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // The metrics endpoint: swift-metrics instruments, kept in a
        // Prometheus registry that writes the text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        // The epoll-c server model: the echo server in C on the core's loop.
        .target(name: "CEpollEcho", dependencies: ["CSockCore"]),
        // The benchmark's load generator, in C on the core's loop.
        .target(name: "CLoadGen", dependencies: ["CSockCore", "CSystemShims"]),
        // The library product other packages depend on by version: SwiftPM
        // refuses unsafe flags in such a dependency, so SocketCore and its C
        // targets build with none. What a caller's per-probe path needs
        // inlined (the clock, the datagram receive) is @inlinable instead,
        // and optimized in the calling module under that module's settings.
        .target(
            name: "SocketCore",
            dependencies: ["CSockCore", "CSystemShims"]
        ),
        .target(
            name: "Servers",
            dependencies: [
                "SocketCore", "CEpollEcho", "CSockCore", "CSystemShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: hotPathSettings
        ),
        // Byte streams (Socket, a plain descriptor, later TLS) and the
        // bounded buffered reader and writer that line protocols read with.
        .target(
            name: "Streams",
            dependencies: ["SocketCore", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The system's OpenSSL (libssl-dev): its headers, and shims for the
        // macros Swift cannot import. Only the TLS target links it.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // TLS client streams over any byte stream, through OpenSSL.
        .target(name: "TLS", dependencies: ["COpenSSL", "Streams", "SocketCore"]),
        // The textbook's TCPServer and TCPConnection (the State pattern) over
        // real sockets, and RFC 9293's state machine; no server model uses it.
        .target(name: "TCPStates", dependencies: ["SocketCore", "Servers"]),
        // A page each for students of those two objects: small servers that
        // the TCPStates tests start and talk to.
        .executableTarget(
            name: "TCPServerExample", dependencies: ["TCPStates", "Servers", "SocketCore"],
            path: "Examples/TCPServerExample"
        ),
        .executableTarget(
            name: "TCPConnectionExample", dependencies: ["TCPStates", "SocketCore"],
            path: "Examples/TCPConnectionExample"
        ),
        .target(
            name: "Protocols",
            dependencies: ["SocketCore", "Streams", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // HTTP/1.1: the strict message parsers (Message/, Request/, Body/:
        // no imports, so the fuzzer compiles them alone), the static file
        // server on the handler interface, and the client.
        .target(
            name: "HTTP",
            dependencies: [
                "SocketCore", "Servers", "Streams", "CSystemShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: hotPathSettings
        ),
        // Mail messages (RFC 5322, MIME): addresses, headers, the base64
        // and quoted-printable encoders, and the writer that streams a
        // message with its attachments.
        .target(name: "MIME", dependencies: ["SocketCore"], swiftSettings: hotPathSettings),
        .target(
            name: "Bench",
            dependencies: [
                "SocketCore", "CSockCore", "CSockBench", "CSystemShims", "CLoadGen", "MIME",
                // The server benchmark starts servers and peers as processes.
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // libpcap, for icmpping's capture of its own packets on the wire.
        // libpcap's API, loaded on first use (Sources/CPcap/include/cpcap.h);
        // its headers come from libpcap-dev.
        .target(name: "CPcap"),
        // The ICMP echo engine behind icmpping: probes, statistics, output,
        // and the check of its report against a capture.
        .target(name: "Ping", dependencies: ["SocketCore", "CPcap", "CSystemShims"], swiftSettings: hotPathSettings),
        .executableTarget(
            name: "icmpping",
            dependencies: ["Ping", "SocketCore"],
            swiftSettings: hotPathSettings,
            // A one-probe run should cost about what iputils' costs. With the
            // Swift runtime linked in, a start does without loading and
            // relocating six Swift libraries, and with libstdc++ linked in too
            // (see the script in tools/static-libstdc++) without relocating
            // that library. Fully static (-static-executable) would save more,
            // but glibc's name service would then load the system's libnss
            // into the binary: broken by the next libc upgrade. And the binary
            // exports none of its own symbols, which -static-stdlib would
            // (-export-dynamic): the runtime's start-up dladdr walks every
            // exported symbol, and nothing loads code that links back to ours.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-L", staticLibstdcxx,
                        "-Xlinker", "--no-export-dynamic",
                    ],
                    .when(configuration: .release))
            ]
        ),
        // SMTP, the client side (RFC 5321): the strict reply parser (Reply/:
        // no imports, so the fuzzer compiles it alone) and the dialogue over
        // a byte stream, STARTTLS and AUTH included (AUTH's base64 is
        // MIME's); TLS itself is the caller's.
        .target(name: "SMTP", dependencies: ["MIME", "Streams", "SocketCore"]),
        // FTP, the client side (RFC 959, 2428, 3659, 4217): the strict reply
        // parser and the parsers of what replies and listings hold (Reply/,
        // Listing/: no imports, so the fuzzer compiles them alone), and the
        // dialogue with its data connections, FTPS included.
        .target(
            name: "FTP",
            dependencies: ["Streams", "SocketCore", "TLS", .product(name: "SystemPackage", package: "swift-system")]),
        // Telnet, the client side (RFC 854, 855, 1143): the NVT codec and the
        // option negotiation (Protocol/: no imports, so the fuzzer compiles
        // it alone) and the client over a byte stream.
        .target(name: "Telnet", dependencies: ["Streams", "SocketCore"]),
        // The metrics endpoint: a server's scoreboard as swift-metrics
        // instruments, served in the Prometheus text format over HTTP/1.1.
        // The only module (with the executable) that links those packages.
        .target(
            name: "ServerMetrics",
            dependencies: [
                "Servers", "SocketCore", "HTTP",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The UDP heartbeat: the message, the sender's schedule, the
        // monitor's per-client tracking and its events.
        .target(name: "Heartbeat", dependencies: ["SocketCore", "Servers"]),
        .executableTarget(
            name: "sockworks",
            dependencies: [
                "Bench",
                "FTP",
                "Heartbeat",
                "HTTP",
                "MIME",
                "Ping",
                "Protocols",
                "ServerMetrics",
                "Servers",
                "SMTP",
                "SocketCore",
                "Streams",
                "Telnet",
                "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The server of the handler-interface conformance scenarios: every
        // model running a probe handler that uses each part of the interface.
        .executableTarget(
            name: "conformance-server",
            dependencies: ["Servers", "SocketCore"],
            path: "Tests/ConformanceServer"
        ),
        // Helpers the test targets share: running the built executables and
        // other programs, temporary folders, descriptor counts, waiting with a
        // deadline, byte patterns, loopback sockets in plain Glibc. It depends
        // on no module of the project, and no product depends on it.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "SocketCoreTests", dependencies: ["SocketCore", "CSockCore", "TestSupport"]),
        .testTarget(
            name: "ProtocolsTests",
            dependencies: [
                "Protocols", "Streams", "SocketCore", .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "HTTPTests",
            dependencies: [
                "HTTP", "Servers", "Streams", "SocketCore", "TestSupport",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "MIMETests",
            dependencies: [
                "MIME", "SocketCore", "TestSupport", .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "SMTPTests", dependencies: ["SMTP", "Streams", "SocketCore", "TestSupport"],
            // aiosmtpd's script, run from the source tree by /usr/bin/python3.
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "FTPTests",
            dependencies: [
                "FTP", "TLS", "Streams", "SocketCore", "TestSupport",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // pyftpdlib's script, run from the source tree by /usr/bin/python3.
            exclude: ["Peer"]
        ),
        .testTarget(name: "TelnetTests", dependencies: ["Telnet", "Streams", "SocketCore", "TestSupport"]),
        .testTarget(name: "HeartbeatTests", dependencies: ["Heartbeat", "SocketCore", "Servers"]),
        // The scoreboard's counts as instruments, read back from the text
        // the registry emits.
        .testTarget(name: "ServerMetricsTests", dependencies: ["ServerMetrics", "Servers"]),
        .testTarget(
            name: "StreamsTests",
            dependencies: ["Streams", "SocketCore", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // TLS against real peers on loopback: Python's ssl servers with
        // certificates the tests make with the openssl command.
        .testTarget(
            name: "TLSTests",
            dependencies: ["TLS", "Streams", "SocketCore", "TestSupport"],
            exclude: ["Peer"]
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: [
                "Bench",
                "CLoadGen",
                "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(name: "PingTests", dependencies: ["Ping", "SocketCore", "CPcap", "TestSupport"]),
        .testTarget(
            name: "IcmppingTests",
            dependencies: [
                "icmpping",
                "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The crafted-reply responder, run from the source tree by python3.
            exclude: ["Responder"]
        ),
        .testTarget(
            name: "ServersTests",
            dependencies: ["Servers", "SocketCore", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TCPStatesTests",
            dependencies: [
                "TCPStates", "SocketCore", "TCPServerExample", "TCPConnectionExample", "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The epoll-c echo server in C, driven directly over loopback.
        .testTarget(name: "CEpollEchoTests", dependencies: ["CEpollEcho", "SocketCore", "TestSupport"]),
        // Integration tests: they start the built executable and talk to it
        // through plain Glibc sockets of their own (TestSupport's TestSocket);
        // the command-line parsing alone is tested in-process, through
        // `@testable import sockworks`. Servers gives the conformance suite
        // `ServerModel.allCases` (so a new model is tested as soon as it
        // exists) and Bench its /proc reader of a process tree.
        .testTarget(
            name: "SockworksTests",
            dependencies: [
                "sockworks",
                "conformance-server",
                "Servers",
                "Bench",
                "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The mail tests' aiosmtpd peer and message parser, run from the
            // source tree by /usr/bin/python3.
            exclude: ["Mail/Peer"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Release settings of the modules on the servers' per-event path and the
/// prober's per-probe path. Unsafe flags, so only for targets outside the
/// SocketCore library product (SwiftPM would refuse that product to a
/// package depending on it by version; tools/check-downstream checks).
///
/// The per-event path crosses modules (a handler type from the executable
/// runs in a generic loop in Servers): without cross-module optimization
/// those generics run unspecialized, looking up type metadata at run time
/// on every event. Release builds also drop the run-time exclusivity checks
/// of class properties (swift_beginAccess on every access to a connection's
/// state); debug builds and the tests keep them. And they reach a concrete
/// generic type's metadata through its accessor, not by demangling its
/// name: the demangler checks the type's generic requirements by scanning
/// every protocol conformance in the binary, a cost a one-probe icmpping
/// run would pay several times over.
var hotPathSettings: [SwiftSetting] {
    [
        .unsafeFlags(
            [
                "-cross-module-optimization", "-enforce-exclusivity=unchecked",
                "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors",
            ],
            .when(configuration: .release))
    ]
}

/// The directory of the linker script that makes icmpping's `-lstdc++` the
/// static library (tools/static-libstdc++/libstdc++.so says why).
var staticLibstdcxx: String {
    Context.packageDirectory + "/tools/static-libstdc++"
}

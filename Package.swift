// swift-tools-version: 6.0
import PackageDescription

// Every Swift target shares these settings (swift-log's pattern): Swift 6 language mode comes from the
// tools version; the upcoming features keep imports explicit and existentials visible.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Lahde",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lahde", targets: ["lahde"]),
        .library(name: "LahdeCore", targets: ["LahdeCore"]),
        .library(name: "LahdeStore", targets: ["LahdeStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: - C libraries (C stays at the edge: one shim header each, one Swift adapter module each)
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: - Pure Swift model: identifiers, observations. No C, no I/O.
        .target(name: "LahdeCore", swiftSettings: swiftSettings),

        // MARK: - Feed formats: streaming readers with exact error locations. Pure Swift.
        .target(name: "LahdeFormats", dependencies: ["LahdeCore"], swiftSettings: swiftSettings),

        // MARK: - Adapters over the C libraries
        .target(
            name: "LahdePostgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LahdeXML", dependencies: ["CLibXML2", "LahdeCore"], swiftSettings: swiftSettings),
        .target(name: "LahdeFetch", dependencies: ["CCurl", "LahdeCore"], swiftSettings: swiftSettings),

        // MARK: - Connectors: declarative definitions in connectors/, feeds turned into observations
        .target(
            name: "LahdeConnectors",
            dependencies: ["LahdeCore", "LahdeFormats", "LahdeXML", "LahdeStore", "LahdeFetch"],
            swiftSettings: swiftSettings
        ),

        // MARK: - The register: migrations, staged merge, provenance
        .target(
            name: "LahdeStore",
            dependencies: ["LahdeCore", "LahdePostgres", .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("Migrations")],
            swiftSettings: swiftSettings
        ),

        // MARK: - The command-line tool: parses arguments and wires modules, nothing else
        .executableTarget(
            name: "lahde",
            dependencies: [
                "LahdeCore", "LahdePostgres", "LahdeStore", "LahdeConnectors", "LahdeXML", "LahdeFetch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Benchmark: `ops/bench` builds it in release mode and runs it; never part of `swift test`
        .executableTarget(
            name: "lahde-bench",
            dependencies: [
                "LahdeCore", "LahdePostgres", "LahdeStore", "LahdeConnectors",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .target(
            name: "_LahdeTestSupport",
            dependencies: ["LahdeCore", "LahdePostgres", "LahdeStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LahdeCoreTests", dependencies: ["LahdeCore"], swiftSettings: swiftSettings),
        .testTarget(name: "LahdeFormatsTests", dependencies: ["LahdeFormats", "_LahdeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "LahdeFetchTests", dependencies: ["LahdeFetch", "_LahdeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LahdeConnectorsTests",
            dependencies: ["LahdeConnectors", "LahdeStore", "LahdeCore", "LahdeFormats", "LahdeXML", "LahdeFetch", "LahdePostgres", "_LahdeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LahdePostgresTests",
            dependencies: ["LahdePostgres", "_LahdeTestSupport", "LahdeXML", "LahdeFetch"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LahdeStoreTests",
            dependencies: ["LahdeStore", "LahdeCore", "LahdeConnectors", "_LahdeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LahdeCLITests",
            dependencies: ["_LahdeTestSupport", "LahdePostgres"],
            swiftSettings: swiftSettings
        ),
    ]
)

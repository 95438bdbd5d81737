// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gpmsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gpmsync", targets: ["gpmsync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
    ],
    targets: [
        // The C wall: libgit2 through pkg-config, plus a header shim for what Swift cannot call.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // The only importer of CLibGit2.
        .target(name: "Git", dependencies: ["CLibGit2"]),
        // Pure Swift: formats, validation, record merge, semantic diff. No libgit2, no network.
        .target(
            name: "GPMCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Composes the core with the git wrapper: repositories, sync, central intake, review.
        .target(
            name: "GPMSync",
            dependencies: [
                "Git", "GPMCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What staff run: watcher, committer, syncer and status server as services under one ServiceGroup.
        .target(
            name: "GPMDaemon",
            dependencies: [
                "GPMSync", "GPMCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Charts drawn as inline SVG strings: pure Swift, no dependency, golden-file tested.
        .target(name: "GPMCharts", dependencies: ["GPMCore"]),
        // The HTML of the console (and of the staff's page): escaping, the layout, every page, in Turkish and English.
        .target(
            name: "GPMPages",
            dependencies: [
                "GPMCore", "GPMCharts",
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        // `gpmsync serve`: the reviewers' console, a Hummingbird application over the central repository.
        .target(
            name: "GPMWeb",
            dependencies: [
                "GPMSync", "GPMCore", "GPMPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `gpmsync bench`: the Marmara-scale data generator and the benchmarks against the git CLI and frictionless.
        .target(name: "GPMBench", dependencies: ["GPMSync", "GPMCore", "Git"]),
        // `gpmsync export`: central main's tables for DHIS2, HXL and a published data package, small counts protected.
        .target(
            name: "GPMExport",
            dependencies: [
                "GPMSync", "GPMCore", "Git",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The thin command line.
        .executableTarget(
            name: "gpmsync",
            dependencies: [
                "GPMSync", "GPMCore", "Git", "GPMDaemon", "GPMBench", "GPMWeb", "GPMExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "GPMCoreTests", dependencies: ["GPMCore", "GPMBench", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        .testTarget(
            name: "GPMWebTests",
            dependencies: [
                "GPMWeb", "GPMPages", "GPMCharts", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "ExportTests", dependencies: ["GPMExport", "GPMCore", "TestSupport"], exclude: ["Tools"]),
        .target(name: "TestSupport", dependencies: ["GPMSync"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)

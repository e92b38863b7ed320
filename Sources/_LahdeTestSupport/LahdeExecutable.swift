import Foundation
import LahdePostgres

/// Runs the built `lahde` binary as a user would, for end-to-end tests of the command-line contract.
public struct LahdeExecutable: Sendable {
    public let path: String

    /// The `lahde` built next to the test bundle (`swift test` builds every product first).
    public static func built() -> LahdeExecutable {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // The XCTest bundle on Linux is a single file in the build folder; walk up if it is a directory bundle.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("lahde").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return LahdeExecutable(path: folder.appendingPathComponent("lahde").path)
    }

    /// Runs `lahde` with `arguments`, the current environment plus `environment`, and waits for it.
    ///
    /// Standard output arrives in `output`, standard error in `errorOutput`.
    public func run(_ arguments: [String], environment: [String: String] = [:], stdin: String = "/dev/null") throws -> ChildProcess.Outcome {
        var merged = ProcessInfo.processInfo.environment
        merged["LAHDE_DATABASE_URL"] = nil
        merged["LAHDE_DATABASE_URL_FILE"] = nil
        for (key, value) in environment { merged[key] = value }
        return try ChildProcess.run([path] + arguments, environment: merged, standardInput: stdin, separateStandardError: true)
    }
}

import Foundation
import LahdeCore

/// The secret behind the keyed hashes that remember erased people.
///
/// It lives outside the database — in `LAHDE_SUPPRESSION_KEY_FILE`, or `suppression.key` in the data
/// folder, created on first need with 32 random bytes and mode 0600 — because anyone holding both the
/// key and the hashes could test every possible henkilötunnus. Back it up with the archive: a replay on
/// another machine needs the same key to keep erased people out.
public struct SuppressionKey: Sendable {
    let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The keyed hash of one identifier, as stored in `lahde.suppression`.
    public func hash(_ key: MatchKey) -> String {
        HMACSHA256.hex(key: bytes, message: Array((key.scheme.rawValue + ":" + key.value).utf8))
    }

    /// Reads the key file, creating it if `create` and it does not exist yet.
    public static func load(path: String, create: Bool) throws -> SuppressionKey? {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 32 else { throw SuppressionKeyError("\(path) holds \(data.count) bytes; a suppression key has at least 32") }
            return SuppressionKey(bytes: Array(data))
        }
        guard create else { return nil }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Written to a temporary name and renamed, so a crash never leaves a short key behind.
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw SuppressionKeyError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw SuppressionKeyError("cannot create \(path): \(String(cString: strerror(errno)))") }
        return SuppressionKey(bytes: bytes)
    }

    /// `LAHDE_SUPPRESSION_KEY_FILE`, else `suppression.key` in `home`.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment, home: URL) -> String {
        if let path = environment["LAHDE_SUPPRESSION_KEY_FILE"], !path.isEmpty { return path }
        return home.appendingPathComponent("suppression.key").path
    }
}

public struct SuppressionKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import Logging

enum LogSetup {
    /// Structured logs on standard error; `LAHDE_LOG_LEVEL` (trace…critical) sets the level, `notice` by
    /// default so that a normal run prints only its own output.
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["LAHDE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

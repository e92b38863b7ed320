import ArgumentParser
import Foundation
import LahdeCore
import LahdePostgres
import LahdeStore

/// The documented exit statuses, so that schedulers and scripts can tell failures apart.
enum ExitStatus: Int32 {
    case success = 0
    case usageOrNotFound = 1
    case inputFailed = 2
    case databaseUnavailable = 3
    case locked = 4
}

/// A failure to report on one line and exit with a documented status.
struct CommandFailure: Error, CustomStringConvertible {
    let status: ExitStatus
    let description: String

    init(_ status: ExitStatus, _ description: String) {
        self.status = status
        self.description = description
    }
}

extension Lahde {
    /// Prints an error on standard error, with every henkilötunnus masked — server messages can quote row
    /// values — and exits with the matching status.
    static func exit(dueTo error: any Error) -> Never {
        let status: ExitStatus
        let message: String
        switch error {
        case let failure as CommandFailure:
            (status, message) = (failure.status, failure.description)
        case let failure as PostgresError:
            (status, message) = (failure.isConnectionLoss ? .databaseUnavailable : .inputFailed, failure.description)
        case let failure as EmbeddedPostgresError:
            (status, message) = (.databaseUnavailable, failure.description)
        case let failure as MigrationError:
            (status, message) = (.databaseUnavailable, failure.description)
        case let failure as MergeLockBusy:
            (status, message) = (.locked, failure.description)
        default:
            // Help, --version and argument errors are ArgumentParser's to print.
            Self.exit(withError: error)
        }
        FileHandle.standardError.write(Data(("lahde: " + Redaction.maskingHenkilotunnus(in: message) + "\n").utf8))
        Foundation.exit(status.rawValue)
    }
}

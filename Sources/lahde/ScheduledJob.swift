import Foundation
import LahdeConnectors
import LahdeFetch
import LahdePostgres
import LahdeStore

/// A scheduled job: a connector definition with a `fetch` section. Its name is the connector's.
struct ScheduledJob {
    let definition: ConnectorDefinition
    var name: String { definition.name }

    /// Every job in the connector folder, and the definitions that could not be loaded (named, with why).
    static func all(catalog: ConnectorCatalog, catalogue: FieldCatalogue) -> (jobs: [ScheduledJob], broken: [(name: String, error: String)]) {
        var jobs: [ScheduledJob] = []
        var broken: [(String, String)] = []
        for name in catalog.names() {
            do {
                let definition = try catalog.definition(named: name, catalogue: catalogue)
                if definition.fetch != nil { jobs.append(ScheduledJob(definition: definition)) }
            } catch {
                broken.append((name, "\(error)"))
            }
        }
        return (jobs, broken)
    }

    /// When the job is next due after its last successful run (nil: never by schedule; a job with no
    /// successful run yet is due at once).
    func nextDue(lastSuccess: Date?, calendar: Calendar = .current) -> Date? {
        guard let schedule = definition.cronSchedule else { return nil }
        guard let lastSuccess else { return .distantPast }
        return schedule.nextTime(after: lastSuccess, calendar: calendar)
    }

    /// The transfer to make, with its secrets read now from their files or variables.
    func fetchRequest() throws -> FetchRequest {
        guard let fetch = definition.fetch else { throw CommandFailure(.usageOrNotFound, "connector \(name) has no fetch section: it is not a job") }
        var request = FetchRequest(url: fetch.url)
        request.clientCertificateFile = fetch.resolvedPath(fetch.clientCertificate)
        request.clientKeyFile = fetch.resolvedPath(fetch.clientKey)
        request.caFile = fetch.resolvedPath(fetch.caFile)
        request.sshPrivateKeyFile = fetch.resolvedPath(fetch.privateKey)
        request.sshKnownHostsFile = fetch.resolvedPath(fetch.knownHosts)
        for (key, path) in [("client_certificate", request.clientCertificateFile), ("client_key", request.clientKeyFile), ("ca_file", request.caFile),
                            ("private_key", request.sshPrivateKeyFile), ("known_hosts", request.sshKnownHostsFile)]
        {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw CommandFailure(.inputFailed, "fetch.\(key) of connector \(name): cannot read \(path)")
            }
        }
        request.username = fetch.username
        request.password = try fetch.password()
        request.keyPassphrase = try fetch.keyPassphrase()
        return request
    }

    var retryPolicy: RetryPolicy {
        let fetch = definition.fetch
        return RetryPolicy(
            attempts: fetch?.retries ?? 4, initialDelaySeconds: fetch?.backoffSeconds ?? 2, maximumDelaySeconds: fetch?.maxBackoffSeconds ?? 60)
    }

    /// `LAHDE_ARCHIVE`, else `archive/` in the Lähde home.
    static func archiveFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment["LAHDE_ARCHIVE"], !folder.isEmpty { return URL(fileURLWithPath: folder, isDirectory: true) }
        return EmbeddedPostgres.defaultHome(environment: environment).appendingPathComponent("archive", isDirectory: true)
    }
}

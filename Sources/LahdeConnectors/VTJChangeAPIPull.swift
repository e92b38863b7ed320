import Foundation
import LahdeCore
import LahdeFetch
import LahdePostgres
import LahdeStore

/// Pulls the population register's change log (`POST /api/v1/muutokset`, reference §3.2) page by page
/// into the register: `lahde pull vtj-api`.
///
/// Each page is kept in the jobs' archive (`archive/<connector>/<sha256>`, its sidecar naming it) or, with
/// `api.page_folder`, in that folder, as a feed file like any other — `muutokset-<day pulled>-<key it
/// was asked from, 19 digits>.json`, so that `lahde replay` of the folder puts the pages in pull order
/// (date first, then name) and the retention purge's archive rule can age them out — and imported as one
/// batch through the `vtj-api` reader, exactly like `lahde import --connector vtj-api` of the same file. Only after that batch committed is the page's `viimeisinKirjausavain` stored as the
/// cursor (``PullCursor``); the pull goes on while `ajanTasalla` is false. So:
/// - a crash between the commit and the cursor write re-pulls the same page next time, and the ledger
///   finds its content (by SHA-256) already loaded: the cursor moves on, nothing is applied twice;
/// - an HTTP error or a body that is not a page stops the pull with a ``ChangeAPIPullError``; the pages
///   before it stay committed and the next pull resumes from the last committed key.
///
/// The first pull needs a starting point: `since` asks the service for the first key of that day
/// (`GET /api/v1/kirjausavain/{date}`).
public struct VTJChangeAPIPull {
    public struct Page: Sendable {
        /// The key the page was asked from, and the one it ends at.
        public let fromKey: Int64
        public let toKey: Int64
        public let upToDate: Bool
        /// Where the page was kept.
        public let file: String
        public let report: BatchReport
    }

    public struct Outcome: Sendable {
        public var pages: [Page] = []
        public var startKey: Int64 = 0
        public var lastKey: Int64 = 0
        public var upToDate = false
    }

    private let connection: PostgresConnection
    private let loader: RegisterLoader
    private let connector: String
    private let settings: ChangeAPISettings
    private let pageFolder: URL
    /// When set, pages are kept in the jobs' archive (`archive/<connector>/<sha256>` with a sidecar naming
    /// the page) instead of as named files in `pageFolder`.
    private let pageArchive: FeedArchive?
    /// Waits between tries (tests replace it to see the delays without waiting; the default sleeps).
    public var sleep: @Sendable (Double) -> Void = { seconds in if seconds > 0 { usleep(useconds_t(min(seconds, 4000) * 1_000_000)) } }

    /// - Parameters:
    ///   - pageFolder: a folder of named page files (`api.page_folder`); ignored when `pageArchive` is given.
    ///   - pageArchive: the archive every fetched feed goes to (``FeedArchive``).
    public init(
        connection: PostgresConnection, loader: RegisterLoader, connector: String, settings: ChangeAPISettings, pageFolder: URL,
        pageArchive: FeedArchive? = nil
    ) {
        self.connection = connection
        self.loader = loader
        self.connector = connector
        self.settings = settings
        self.pageFolder = pageFolder
        self.pageArchive = pageArchive
    }

    /// Pulls until the service says the register is up to date.
    ///
    /// - Parameters:
    ///   - since: the day to start from when this connector has no cursor yet (ignored otherwise).
    ///   - maximumPages: a stop for a service that never says it is up to date.
    ///   - afterCommit: called after a page's batch committed, before its key is stored (progress
    ///     output; tests simulate a crash there).
    public func run(since: CalendarDate? = nil, maximumPages: Int = 100_000, afterCommit: (Page) throws -> Void = { _ in }) throws -> Outcome {
        if pageArchive == nil {
            try FileManager.default.createDirectory(at: pageFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var outcome = Outcome()
        var key: Int64
        if let stored = try PullCursor.read(connection, connector: connector) {
            key = stored
        } else if let since {
            key = try firstKey(of: since)
            try PullCursor.write(connection, connector: connector, key: key, batch: nil)
        } else {
            throw ChangeAPIPullError("\(connector) has never been pulled: give the day to start from (--since yyyy-mm-dd)")
        }
        outcome.startKey = key
        outcome.lastKey = key
        let hetulista = settings.sendHenkilotunnusList ?? true ? try monitoredCodes() : []
        let chunks = Self.chunks(of: hetulista, size: settings.chunkSize)
        for _ in 0..<maximumPages {
            // One round: every chunk of the list asked from the same key. The cursor moves to the lowest key
            // the chunks reached, so no chunk's changes are skipped; a chunk that got further is asked again
            // from there, and changes it returns twice merge as unchanged.
            var reached: [Int64] = []
            var roundUpToDate = true
            var lastBatch: Int?
            let url = endpoint("muutokset")
            for (index, chunk) in chunks.enumerated() {
                var body: [String: Any] = ["viimeisinKirjausavain": key]
                if !chunk.isEmpty { body["hetulista"] = chunk }
                let bytes = try exchange(.init(method: "POST", url: url, headers: headers(json: true), body: Array(try JSONSerialization.data(withJSONObject: body))))
                guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any], object["muutokset"] is [Any],
                    let next = Self.key(object["viimeisinKirjausavain"])
                else {
                    throw ChangeAPIPullError("POST \(url) from key \(key): the response is not a change page (an object with 'muutokset' and 'viimeisinKirjausavain')")
                }
                let upToDate = (object["ajanTasalla"] as? Bool) ?? true
                let name = Self.pageFileName(from: key, pulledOn: Date(), part: chunks.count > 1 ? index + 1 : nil)
                let path: String
                if let pageArchive {
                    do {
                        // Pages follow one another: the time each was pulled orders them among the other pulled feeds.
                        let pulled = Date()
                        path = try pageArchive.store(bytes, connector: connector, originalName: name, url: url, fetchedAt: pulled, feedTime: pulled).path
                    } catch {
                        throw ChangeAPIPullError("cannot archive the page \(name): \(error.problem)")
                    }
                } else {
                    path = pageFolder.appendingPathComponent(name).path
                    guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                        throw ChangeAPIPullError("cannot write the page to \(path)")
                    }
                }
                let file = try InputFile(path: path)
                var input = file.batchInput
                input.fileName = name
                let report = try loader.load(input) { emit in try VTJChangeAPIConnector().read(file, emit: emit) }
                let page = Page(fromKey: key, toKey: next, upToDate: upToDate, file: path, report: report)
                outcome.pages.append(page)
                try afterCommit(page)
                reached.append(next)
                roundUpToDate = roundUpToDate && upToDate
                lastBatch = report.batch
            }
            let next = reached.min() ?? key
            let upToDate = roundUpToDate
            try PullCursor.write(connection, connector: connector, key: next, batch: lastBatch)
            outcome.lastKey = next
            outcome.upToDate = upToDate
            if upToDate { return outcome }
            guard next != key else {
                throw ChangeAPIPullError("POST \(url): the service says it is not up to date but its key did not move from \(key)")
            }
            key = next
        }
        return outcome
    }

    private func firstKey(of day: CalendarDate) throws -> Int64 {
        let url = endpoint("kirjausavain/\(day.isoString)")
        let bytes = try exchange(.init(method: "GET", url: url, headers: headers(json: false)))
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any], let key = Self.key(object["viimeisinKirjausavain"]) else {
            throw ChangeAPIPullError("GET \(url): the response has no 'viimeisinKirjausavain'")
        }
        return key
    }

    /// Statuses that say "not now" rather than "no": tried again after a pause.
    static let retryableStatuses: Set<Int> = [429, 500, 502, 503]

    /// The request, tried again with exponential backoff (or after the service's `Retry-After`) while the
    /// service answers 429, 500, 502 or 503.
    private func exchange(_ request: HTTPExchange.Request) throws -> [UInt8] {
        let policy = settings.retryPolicy
        var attempt = 0
        var response: HTTPExchange.Response
        while true {
            attempt += 1
            do {
                response = try HTTPExchange.perform(request, tls: settings.tls, credentials: try settings.credentials())
            } catch let error as HTTPExchangeError {
                throw ChangeAPIPullError("\(request.method) \(error.description)")
            }
            guard Self.retryableStatuses.contains(response.status), attempt < policy.attempts else { break }
            let delay: Double
            if let asked = response.retryAfterSeconds() {
                guard asked <= policy.maximumDelaySeconds else {
                    throw ChangeAPIPullError(
                        "\(request.method) \(request.url): HTTP \(response.status), the service asks to wait \(Int(asked.rounded(.up))) s "
                            + "(more than max_backoff_seconds \(policy.maximumDelaySeconds)); the next pull resumes from the last committed key")
                }
                delay = asked
            } else {
                delay = policy.delay(afterAttempt: attempt)
            }
            sleep(delay)
        }
        guard response.status == 200 else {
            let excerpt = String(decoding: response.body.prefix(200), as: UTF8.self).filter { !$0.isNewline }
            throw ChangeAPIPullError(Redaction.maskingHenkilotunnus(in:
                "\(request.method) \(request.url): HTTP \(response.status)" + (excerpt.isEmpty ? "" : " (\(excerpt))")
                    + (attempt > 1 ? " after \(attempt) attempts" : "")))
        }
        return response.body
    }

    private func endpoint(_ path: String) -> String {
        (settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL) + "/" + path
    }

    private func headers(json: Bool) -> [String: String] {
        var headers = ["Accept": "application/json"]
        if json { headers["Content-Type"] = "application/json" }
        if let client = settings.xRoadClient { headers["X-Road-Client"] = client }
        return headers
    }

    /// The people the utility monitors: every active henkilötunnus in the register.
    private func monitoredCodes() throws -> [String] {
        try connection.query(
            "SELECT value FROM register.party_identifier WHERE scheme = 'henkilotunnus' AND active ORDER BY value"
        ).rows.compactMap { $0["value"] }
    }

    /// `muutokset-2026-03-10-0000000000001204587.json`: the Finnish day of the pull, then the key the page
    /// was asked from, zero-padded so that names sort in key order.
    /// With `part` (the chunk of the list when it is sent in several), `…-<key>-<part>.json`.
    static func pageFileName(from key: Int64, pulledOn time: Date, part: Int? = nil) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = FeedTime.helsinki
        let day = calendar.dateComponents([.year, .month, .day], from: time)
        let date = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        let digits = String(max(key, 0))
        let suffix = part.map { String(format: "-%04d", $0) } ?? ""
        return "muutokset-\(date)-\(String(repeating: "0", count: max(0, 19 - digits.count)) + digits)\(suffix).json"
    }

    /// The list in pieces of at most `size`, in order; one empty piece when the list is empty.
    static func chunks(of codes: [String], size: Int) -> [[String]] {
        guard !codes.isEmpty else { return [[]] }
        return stride(from: 0, to: codes.count, by: max(1, size)).map { Array(codes[$0..<min($0 + max(1, size), codes.count)]) }
    }

    /// The key as a 64-bit integer: the service writes it as a number, some clients as a string.
    static func key(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber, !(value is Bool) { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }
}

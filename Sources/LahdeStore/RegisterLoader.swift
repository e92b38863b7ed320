import Foundation
import LahdeCore
import LahdePostgres
import Logging

/// Loads one batch of observations into the register: stage, reconcile, merge, record provenance — all of
/// it in one transaction, so a batch is either wholly in the register or not at all.
///
/// The flow (docs/ARCHITECTURE.md has the picture):
/// 1. take the register's merge lock, so no other import merges at the same time;
/// 2. if this connector already loaded the same content (by SHA-256), say so and stop;
/// 3. record the batch in the ledger as `loading` (its own small transaction, so even a crash leaves a trace);
/// 4. in one transaction: COPY every record, key and observation into `lahde.stage_item`, resolve
///    entities, create them where the connector may, decide each field by survivorship, write the typed
///    tables and provenance, quarantine what cannot be used, and mark the batch `loaded` with its counts.
public final class RegisterLoader {
    private let connection: PostgresConnection
    private let policy: ConnectorPolicy
    private let lockMode: MergeLock.Mode
    private let suppressionKey: SuppressionKey?
    private let logger: Logger

    /// - Parameter suppressionKey: the key of the erased people's identifier hashes; required once anyone
    ///   has been erased from this register, so that their records are suppressed.
    public init(
        connection: PostgresConnection, policy: ConnectorPolicy, lockMode: MergeLock.Mode = .wait,
        suppressionKey: SuppressionKey? = nil, logger: Logger = Logger(label: "lahde.load")
    ) {
        self.connection = connection
        self.policy = policy
        self.lockMode = lockMode
        self.suppressionKey = suppressionKey
        self.logger = logger
    }

    /// Loads one input.
    ///
    /// - Parameters:
    ///   - input: the file's name, hash and a way to re-read parts of it.
    ///   - force: reprocess content already loaded (the result is the same register: nothing changes).
    ///   - produce: the connector; it parses the input and hands every record to `emit`, in file order.
    /// - Returns: the batch's report. A failure inside the batch is recorded in the ledger and rethrown.
    ///   - alsoRecord: called inside the batch's transaction after the merge, with the batch id, to record
    ///     what the feed held beside records (Datahub ACKs, the queue message): it commits or rolls back
    ///     with the batch.
    public func load(
        _ input: BatchInput, force: Bool = false,
        alsoRecord: (_ connection: PostgresConnection, _ batchID: Int) throws -> Void = { _, _ in },
        produce: (_ emit: (FeedItem) throws -> Void) throws -> Void
    ) throws -> BatchReport {
        let loadStart = DispatchTime.now().uptimeNanoseconds
        try MergeLock.acquire(connection, mode: lockMode)
        defer { MergeLock.release(connection) }

        if !force, let previous = try previousLoad(of: input) { return previous }

        // We hold the merge lock, so any batch still marked `loading` belongs to a process that died.
        try connection.query(
            "UPDATE lahde.batch SET status = 'failed', error = 'interrupted before commit', finished_at = clock_timestamp() WHERE status = 'loading'"
        )
        guard let started = try connection.query(
            """
            INSERT INTO lahde.batch (connector, file_name, sha256, byte_count, status, preamble, retry_of)
            VALUES ($1, $2, $3, $4, 'loading', decode($5, 'hex'), $6) RETURNING batch_id, started_at
            """, policy.name, input.fileName, input.sha256, input.byteCount, input.preamble.map { Hex.encode($0) }, input.retryOf
        ).first, let batchID = started.int("batch_id"), let receivedAt = started["started_at"]
        else { throw PostgresError(kind: .protocolError, message: "the ledger did not return a batch id") }

        do {
            var commitStart: UInt64 = 0
            let (report, createdEntities) = try connection.transaction {
                let merged = try merge(input, batchID: batchID, receivedAt: receivedAt, produce: produce)
                try alsoRecord(connection, batchID)
                commitStart = DispatchTime.now().uptimeNanoseconds
                return merged
            }
            logger.debug("committed", metadata: ["ms": "\(Self.milliseconds(since: commitStart))"])
            logger.info(
                "batch loaded",
                metadata: [
                    "batch": "\(batchID)", "connector": "\(policy.name)", "read": "\(report.counts.read)",
                    "ms": "\(Self.milliseconds(since: loadStart))",
                ])
            if createdEntities >= Self.createdEntitiesWorthAnalysing { refreshStatistics() }
            return report
        } catch {
            let message = Redaction.maskingHenkilotunnus(in: "\(error)")
            _ = try? connection.query(
                "UPDATE lahde.batch SET status = 'failed', error = $2, finished_at = clock_timestamp() WHERE batch_id = $1", batchID, message)
            throw error
        }
    }

    private func previousLoad(of input: BatchInput) throws -> BatchReport? {
        guard let row = try connection.query(
            """
            SELECT batch_id, read, applied, unchanged, superseded, quarantined, suppressed FROM lahde.batch
            WHERE connector = $1 AND sha256 = $2 AND status = 'loaded' AND retry_of IS NULL
            """, policy.name, input.sha256
        ).first else { return nil }
        return BatchReport(
            file: input.fileName, sha256: input.sha256, batch: row.int("batch_id"), status: .alreadyLoaded, counts: BatchReport.Counts(row))
    }

    // MARK: - The batch transaction

    /// - Returns: the batch's report, and how many entities it created (see `createdEntitiesWorthAnalysing`).
    private func merge(
        _ input: BatchInput, batchID: Int, receivedAt: String, produce: (_ emit: (FeedItem) throws -> Void) throws -> Void
    ) throws -> (report: BatchReport, createdEntities: Int) {
        let catalogue = try FieldCatalogue.load(from: connection)
        try refreshTrust(catalogue)

        // The merge's statements are planned once each and run over whole sets; compiling them with JIT
        // costs more than it saves, and the planner's estimates for freshly filled work tables (which drive
        // the JIT thresholds) are guesses anyway.
        try connection.query("SET LOCAL jit = off")
        try timed("TRUNCATE lahde.stage_item")
        let policy = self.policy
        var stager = Stager(
            catalogue: catalogue, input: input, suppression: try suppression(),
            batch: RecordTags.Batch(id: batchID, receivedAt: receivedAt), trust: { policy.trust(for: $0) })
        let stagingStart = DispatchTime.now().uptimeNanoseconds
        let staged = try connection.copyIn(
            "COPY lahde.stage_item (item, record_no, seq, entity_kind, name, value, priority, valid_from, locator, raw_offset, raw_length, raw, tags) FROM STDIN"
        ) { writer in
            try produce { item in try stager.stage(item, into: &writer) }
        }
        logger.debug(
            "staged", metadata: ["rows": "\(staged)", "ms": "\(Self.milliseconds(since: stagingStart))"])
        // A batch sorts and groups every observation of a file at once (per entity, for provenance); at the
        // server's usual 4–64 MB those sorts spill to disk. The setting ends with this transaction.
        try connection.query("SET LOCAL work_mem = '\(Self.workMemoryMegabytes(stagedRows: staged))MB'")
        // The staging table's statistics are the previous batch's (or none): without fresh ones the planner
        // takes a million staged rows for a few thousand and joins them row by row through indexes. The
        // columns the merge joins and filters on are enough; sampling the tags would cost more than it tells.
        try timed("ANALYZE lahde.stage_item (item, record_no, name)")

        for statement in MergeStatements.prepare { try timed(statement) }
        try connection.query(MergeStatements.context, batchID, policy.name, receivedAt, policy.createsEntities, policy.unmatched == .ignore)
        try timed(MergeStatements.defaultValidity)
        for statement in MergeStatements.resolve { try timed(statement) }
        if policy.createsEntities {
            var registered = 0
            for statement in MergeStatements.create { registered += try timed(statement) }
            // Without a new entity or identifier, `resolve` has already seen every conflict.
            if registered > 0 { try timed(MergeStatements.recheckConflicts) }
            if stager.stagedReferences { try timed(MergeStatements.createReferencedPoints) }
        }
        if stager.stagedReferences {
            for statement in MergeStatements.resolveReferences { try timed(statement) }
        }
        if policy.createsEntities { try timed(MergeStatements.createContracts) }
        for statement in MergeStatements.finishResolution { try timed(statement) }
        if stager.stagedCorrections {
            for statement in MergeStatements.corrections { try timed(statement) }
        }
        let contested = try connection.query(MergeStatements.mayBeContested).first?["contested"] != "f"
        try timed(MergeStatements.candidates(materialized: contested))
        for statement in contested ? MergeStatements.contested : MergeStatements.uncontested { try timed(statement) }
        try timed(MergeStatements.decide)
        let decidedFields = try connection.query(MergeStatements.writtenFields).rows
        let written = Set(decidedFields.filter { $0["applied"] == "t" }.compactMap { $0["field"] })
        let everyDecisionWritten = decidedFields.allSatisfy { $0["all_written"] == "t" }
        for statement in TypedTableWrites.statements(for: catalogue, written: written) { try timed(statement) }
        try timed(MergeStatements.history)
        try timed(contested ? MergeStatements.decidedTags : MergeStatements.stagedTags(everyDecisionWritten: everyDecisionWritten))
        try quarantine(input, batchID: batchID)

        let countsStart = DispatchTime.now().uptimeNanoseconds
        let countRows = try connection.query(MergeStatements.counts(contested: contested))
        logger.debug("counted", metadata: ["ms": "\(Self.milliseconds(since: countsStart))"])
        guard let row = countRows.first else {
            throw PostgresError(kind: .protocolError, message: "the merge returned no counts")
        }
        let counts = BatchReport.Counts(row)
        var fields = BatchReport.FieldCounts()
        fields.observed = row.int("f_observed") ?? 0
        fields.applied = row.int("f_applied") ?? 0
        fields.confirmed = row.int("f_confirmed") ?? 0
        fields.unchanged = row.int("f_unchanged") ?? 0
        fields.superseded = row.int("f_superseded") ?? 0
        fields.protected = row.int("f_protected") ?? 0
        let fieldJSON = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        try connection.query(
            """
            UPDATE lahde.batch SET status = 'loaded', finished_at = clock_timestamp(), read = $2, applied = $3, unchanged = $4,
                   superseded = $5, quarantined = $6, suppressed = $7, field_counts = $8::jsonb
            WHERE batch_id = $1
            """, batchID, counts.read, counts.applied, counts.unchanged, counts.superseded, counts.quarantined, counts.suppressed,
            fieldJSON)
        // The staged copy of the feed is personal data and, for a large file, gigabytes: it goes with the
        // batch that made it (truncated in place, as the table was emptied in this transaction) rather than
        // lingering until the next import, whose commit would otherwise pay for removing its files — a
        // 100-row delta after a million-person update spent 0.9 s of its 1.2 s committing that.
        try timed("TRUNCATE lahde.stage_item")
        let report = BatchReport(file: input.fileName, sha256: input.sha256, batch: batchID, status: .loaded, counts: counts, fields: fields)
        return (report, row.int("created") ?? 0)
    }

    /// A batch that created this many entities has changed the register's tables enough that the planner's
    /// old statistics mislead the next batch (an initial load's tables look empty to it, and it would then
    /// match a million updates through the indexes one by one). Autovacuum analyses them too, but only about
    /// a minute later, and an import of several files does not wait for it.
    static let createdEntitiesWorthAnalysing = 10_000

    /// Analyses the register's tables and the provenance (current and history, which `lahde provenance`
    /// reads by entity: without statistics the planner took each entity for thousands of changes); a
    /// failure costs only speed, never the batch, which has committed.
    private func refreshStatistics() {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let tables = try connection.query(
                "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'register' ORDER BY 1"
            ).rows.compactMap { $0["name"] }
            try connection.query("ANALYZE " + (tables + ["lahde.field_tag", "lahde.provenance_change"]).joined(separator: ", "))
            logger.debug("statistics refreshed", metadata: ["ms": "\(Self.milliseconds(since: start))"])
        } catch {
            logger.warning("could not refresh the register's statistics", metadata: ["error": "\(error)"])
        }
    }

    /// Memory for each sort and hash of the merge, in proportion to the batch: the merge sorts and hashes
    /// whole sets of about 150 bytes per staged row, and a million-person file (11 M rows) spilling them to
    /// disk ran several times slower than its size explains. Capped so that a few such nodes at once stay
    /// well inside a small server's memory.
    static func workMemoryMegabytes(stagedRows: Int) -> Int {
        min(1024, max(256, stagedRows / 1_000_000 * 150))
    }

    /// Runs one merge statement; at `debug` log level, with its duration, to see where a batch's time goes.
    /// Returns the rows it affected.
    @discardableResult
    private func timed(_ statement: String) throws -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try connection.query(statement)
        logger.debug(
            "merge statement",
            metadata: [
                "ms": "\(Self.milliseconds(since: start))", "rows": "\(result.affectedRows)",
                "sql": "\(statement.split(separator: "\n").first?.prefix(90) ?? "")",
            ])
        return result.affectedRows
    }

    /// Whole milliseconds since `start` (`DispatchTime` nanoseconds), for the debug log's timings.
    private static func milliseconds(since start: UInt64) -> UInt64 {
        (DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }

    /// The erased people's identifier hashes, or nil when nobody has been erased from this register.
    private func suppression() throws -> Stager.Suppression? {
        let hashes = Set(try connection.query("SELECT key_hash FROM lahde.suppression").rows.compactMap { $0["key_hash"] })
        guard !hashes.isEmpty else { return nil }
        guard let suppressionKey else {
            throw SuppressionKeyError(
                "people have been erased from this register, and without the suppression key (LAHDE_SUPPRESSION_KEY_FILE) lahde cannot keep their records out; the import was not started"
            )
        }
        return Stager.Suppression(key: suppressionKey, hashes: hashes)
    }

    /// Writes the connector's trust ranks for every catalogue field, as its definition says now.
    private func refreshTrust(_ catalogue: FieldCatalogue) throws {
        try connection.query("DELETE FROM lahde.source_trust WHERE connector = $1", policy.name)
        try connection.copyIn("COPY lahde.source_trust (connector, field, rank) FROM STDIN") { writer in
            for field in catalogue.fields.keys.sorted() {
                try writer.row([policy.name, field, String(policy.trust(for: field))])
            }
        }
    }

    /// Quarantines records the connector rejected and records the merge could not place, with raw bytes.
    private func quarantine(_ input: BatchInput, batchID: Int) throws {
        try connection.query(MergeStatements.quarantineFromStage)
        let problems = try connection.query(MergeStatements.problemRecords).rows
        guard !problems.isEmpty else { return }
        try connection.copyIn("COPY lahde.quarantine (batch_id, locator, reason, raw) FROM STDIN") { writer in
            for row in problems {
                let offset = Int64(row["raw_offset"] ?? "") ?? 0
                let length = Int64(row["raw_length"] ?? "") ?? 0
                let raw = try input.rawBytes(offset..<(offset + length))
                try writer.row([String(batchID), row["locator"], row["problem"], Stager.byteaText(raw)])
            }
        }
    }
}

extension BatchReport.Counts {
    /// Reads the counts from a ledger row or from the merge's count query (same column names).
    init(_ row: PostgresRow) {
        self.init()
        read = row.int("read") ?? 0
        applied = row.int("applied") ?? 0
        unchanged = row.int("unchanged") ?? 0
        superseded = row.int("superseded") ?? 0
        quarantined = row.int("quarantined") ?? 0
        suppressed = row.int("suppressed") ?? 0
    }
}

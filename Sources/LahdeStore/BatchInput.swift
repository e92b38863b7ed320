/// The input of one batch: which bytes, and how to read any part of them again.
public struct BatchInput: Sendable {
    /// The name the file arrived under (shown in provenance; not its identity).
    public var fileName: String
    /// SHA-256 of the content: the batch's identity.
    public var sha256: String
    public var byteCount: Int64
    /// Reads `range` of the input again, for quarantining a record the merge rejected.
    public var rawBytes: @Sendable (Range<Int64>) throws -> [UInt8]
    /// The bytes before the first record that any record needs to be read alone (a CSV header), kept
    /// with the batch so that a quarantined record can be retried without the file.
    public var preamble: [UInt8]? = nil
    /// The batch whose quarantined records this batch re-drives (`lahde quarantine retry`).
    public var retryOf: Int? = nil

    public init(fileName: String, sha256: String, byteCount: Int64, rawBytes: @escaping @Sendable (Range<Int64>) throws -> [UInt8]) {
        self.fileName = fileName
        self.sha256 = sha256
        self.byteCount = byteCount
        self.rawBytes = rawBytes
    }
}

/// Encodes rows in COPY's text format and sends them in chunks.
///
/// Text format needs only four escapes (`\\`, tab, newline, carriage return) and `\N` for NULL, so a row
/// is appended byte by byte without building intermediate strings — this is the hot path of every import.
public struct CopyInWriter {
    /// Chunk size at which the buffer is handed to libpq (see ``PostgresConnection/copyIn(_:_:)``).
    public static let chunkSize = 32 * 1024

    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private let send: ([UInt8]) throws -> Void
    public private(set) var rowsWritten = 0

    init(send: @escaping ([UInt8]) throws -> Void) {
        self.send = send
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one field; `nil` is SQL NULL.
    public mutating func field(_ value: String?) {
        if fieldsInRow > 0 { buffer.append(0x09) }
        fieldsInRow += 1
        guard var value else {
            buffer.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        value.withUTF8 { bytes in appendEscaped(bytes) }
    }

    /// Appends one field from raw UTF-8 bytes (already validated by the caller).
    public mutating func field(bytes: UnsafeBufferPointer<UInt8>) {
        if fieldsInRow > 0 { buffer.append(0x09) }
        fieldsInRow += 1
        appendEscaped(bytes)
    }

    /// Appends an integer field without going through `String`.
    public mutating func field(_ value: Int?) {
        guard let value else { return field(nil as String?) }
        if fieldsInRow > 0 { buffer.append(0x09) }
        fieldsInRow += 1
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Ends the current row and sends the buffer once it has grown past a chunk.
    public mutating func endRow() throws {
        buffer.append(0x0A)
        fieldsInRow = 0
        rowsWritten += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Writes a whole row.
    public mutating func row(_ values: [String?]) throws {
        for value in values { field(value) }
        try endRow()
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            switch byte {
            case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
            case 0x09: buffer.append(0x5C); buffer.append(0x74)
            case 0x0A: buffer.append(0x5C); buffer.append(0x6E)
            case 0x0D: buffer.append(0x5C); buffer.append(0x72)
            default: buffer.append(byte)
            }
        }
    }
}

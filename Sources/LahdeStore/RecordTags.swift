import LahdePostgres

/// The current tags a record would give its entity if every one of its values were written:
/// `{field: [value, trust, batch_id, locator, valid_from]}` as JSON text, staged with the record (V011).
///
/// The loader knows all of this as it stages the record, and building it here costs a few string appends
/// per field, where aggregating the same objects on the server (`jsonb_object_agg` over every written
/// value of a batch) was the largest single cost of a load. The merge only takes out the fields it did not
/// write (`tags - unwritten`), so a value's tag never claims more than the decision did.
struct RecordTags {
    /// What every tag of the batch shares.
    struct Batch {
        let id: Int
        /// The batch's start time as the server printed it: the validity of records without one of their own.
        let receivedAt: String
    }

    private let batch: Batch
    private var bytes: [UInt8] = []
    private var fieldCount = 0

    init(batch: Batch) {
        self.batch = batch
        bytes.reserveCapacity(1024)
    }

    mutating func start() {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "{"))
        fieldCount = 0
    }

    mutating func add(field: String, value: String?, trust: Int, locator: String, validFrom: String?) {
        if fieldCount > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldCount += 1
        appendString(field)
        bytes.append(contentsOf: #":["#.utf8)
        if let value { appendString(value) } else { bytes.append(contentsOf: "null".utf8) }
        bytes.append(UInt8(ascii: ","))
        CopyInWriter.appendDecimal(trust, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        CopyInWriter.appendDecimal(batch.id, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        appendString(locator)
        bytes.append(UInt8(ascii: ","))
        appendString(validFrom ?? batch.receivedAt)
        bytes.append(UInt8(ascii: "]"))
    }

    /// Ends the object and writes it as the row's next field.
    mutating func finish(into writer: inout CopyInWriter) {
        bytes.append(UInt8(ascii: "}"))
        bytes.withUnsafeBufferPointer { writer.field(bytes: $0) }
    }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped); the runs between
    /// such bytes are copied in one piece.
    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
                default:
                    bytes.append(contentsOf: #"\u00"#.utf8)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
                runStart = index + 1
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

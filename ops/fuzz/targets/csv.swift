// libFuzzer target: the CSV reader (LahdeFormats) over arbitrary bytes, in the dialects the shipped
// connectors use. The first byte picks the dialect, so the fuzzer explores all of them.
@testable import LahdeFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let encodings: [TextEncoding] = [.utf8, .iso8859_1, .windows1252]
    let dialect = CSVDialect(
        delimiter: selector & 1 == 0 ? UInt8(ascii: ";") : UInt8(ascii: ","),
        quote: selector & 2 == 0 ? UInt8(ascii: "\"") : nil,
        hasHeader: selector & 4 == 0,
        encoding: encodings[Int(selector >> 3) % encodings.count],
        maxRecordBytes: 4096)
    do {
        let reader = try CSVReader(MemoryByteSource(bytes, maxReadSize: Int(selector) + 1), dialect: dialect, readSize: 1024)
        var records = 0
        while let result = try reader.next() {
            if case .success(let record) = result { _ = record.fieldCount }
            records += 1
            precondition(records <= bytes.count + 1, "more records than bytes: the reader does not advance")
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

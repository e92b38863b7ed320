// libFuzzer target: the VTJ change-API page reader (LahdeConnectors) over arbitrary bytes.
@testable import LahdeConnectors
import LahdeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVTJAPI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try VTJChangeAPIConnector.read(bytes) { item in
            if case .record(let record) = item {
                precondition(record.rawRange.lowerBound >= 0 && record.rawRange.upperBound <= Int64(bytes.count), "a record's byte range lies outside the page")
            }
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

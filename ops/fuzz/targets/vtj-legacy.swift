// libFuzzer target: the VTJ legacy fixed-width change-file reader (LahdeFormats) over arbitrary bytes.
@testable import LahdeFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVTJLegacy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = VTJLegacyReader(source: MemoryByteSource(bytes, maxReadSize: 97), chunkSize: 256, maximumLineBytes: 2048)
    var items = 0
    do {
        while let item = try reader.next() {
            _ = "\(item)"
            items += 1
            precondition(items <= bytes.count + 1, "more items than bytes: the reader does not advance")
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

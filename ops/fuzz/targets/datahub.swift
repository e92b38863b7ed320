// libFuzzer target: the Datahub XML connector (LahdeConnectors over LahdeXML/libxml2), validating against
// the XSDs when LAHDE_FUZZ_XSD names their folder. The connector reads files, so each input is written to
// one scratch file (in /dev/shm when there is one).
import Foundation
@testable import LahdeConnectors
import LahdeCore

private let connector = DatahubConnector(xsdFolder: ProcessInfo.processInfo.environment["LAHDE_FUZZ_XSD"].map { URL(fileURLWithPath: $0) })
private let scratch: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return folder + "/lahde-fuzz-datahub-\(getpid()).xml"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatahub(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard FileManager.default.createFile(atPath: scratch, contents: bytes) else { return 0 }
    do {
        let file = try InputFile(path: scratch)
        _ = try connector.read(file) { item in
            if case .record(let record) = item {
                precondition(record.rawRange.lowerBound >= 0 && record.rawRange.upperBound <= Int64(size), "a record's byte range lies outside the file")
            }
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}

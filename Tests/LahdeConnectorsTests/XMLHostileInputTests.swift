import Foundation
import LahdeConnectors
import LahdeCore
import LahdeXML
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile XML (issue 8): external entities, DTDs local and remote, entity expansion bombs, XInclude,
/// schema locations on the network, deep nesting. Nothing is resolved, fetched or expanded; the reader
/// refuses the document (LahdeXML) and the Datahub connector quarantines the file whole, reason naming why.
@Suite("Hostile XML: XXE, DTDs, entity bombs, network")
struct XMLHostileInputTests {
    static let marker = "TOP-SECRET-\(UInt32.random(in: 0...UInt32.max))"

    /// A TCP listener on 127.0.0.1 that counts nothing but whether anyone connected.
    final class Listener {
        let socketDescriptor: Int32
        let port: UInt16

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
            guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
            socketDescriptor = descriptor
            port = UInt16(bigEndian: address.sin_port)
        }

        var url: String { "http://127.0.0.1:\(port)/evil" }

        /// Whether a connection is waiting (one was made).
        func wasContacted() -> Bool {
            let connection = accept(socketDescriptor, nil, nil)
            if connection >= 0 { close(connection) }
            return connection >= 0
        }

        deinit { close(socketDescriptor) }
    }

    static func secretFile() throws -> URL {
        try DatahubFixtures.file(marker, name: "secret.txt")
    }

    static func billionLaughs(depth: Int = 10) -> String {
        var entities = "<!ENTITY lol0 \"lol\">\n"
        for level in 1..<depth {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        return entities
    }

    /// An F01 with a DOCTYPE inserted after the XML declaration and the henkilötunnus replaced by `reference`.
    static func f01(doctype: String, reference: String = "150385-912E") throws -> String {
        try DatahubFixtures.example("F01_minimal.xml")
            .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype)
            .replacingOccurrences(of: ">150385-912E<", with: ">\(reference)<")
    }

    static func hostileMessages(listener: Listener) throws -> [(name: String, text: String)] {
        let secret = try secretFile()
        let localDTD = try DatahubFixtures.file("<!ENTITY name \"\(marker)\">", name: "evil.dtd")
        return [
            ("external entity (file)", try f01(doctype: "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"\(secret.absoluteString)\">]>", reference: "&xxe;")),
            ("external entity (bare path)", try f01(doctype: "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"\(secret.path)\">]>", reference: "&xxe;")),
            ("external DTD (local file)", try f01(doctype: "<!DOCTYPE x SYSTEM \"\(localDTD.absoluteString)\">", reference: "&name;")),
            ("external DTD (network)", try f01(doctype: "<!DOCTYPE x SYSTEM \"\(listener.url).dtd\">")),
            ("public DTD (network)", try f01(doctype: "<!DOCTYPE x PUBLIC \"-//EVIL//DTD//EN\" \"\(listener.url)-public.dtd\">")),
            ("parameter entity (network)", try f01(doctype: "<!DOCTYPE x [<!ENTITY % remote SYSTEM \"\(listener.url).ent\"> %remote;]>")),
            ("general entity (network)", try f01(doctype: "<!DOCTYPE x [<!ENTITY e SYSTEM \"\(listener.url).txt\">]>", reference: "&e;")),
            ("billion laughs", try f01(doctype: "<!DOCTYPE x [\n\(billionLaughs())]>", reference: "&lol9;")),
            ("internal entity only", try f01(doctype: "<!DOCTYPE x [<!ENTITY h \"150385-912E\">]>", reference: "&h;")),
        ]
    }

    @Test("LahdeXML refuses every DTD-bearing document before handing over any element, and contacts nothing")
    func readerRefusesDTDs() throws {
        let listener = try Listener()
        for (name, text) in try Self.hostileMessages(listener: listener) {
            let reader = try XMLStreamReader(bytes: Array(text.utf8))
            var handed: [String] = []
            let problem = #expect(throws: XMLProblem.self, "\(name)") {
                try reader.forEachElement(where: { _ in true }) { element, _ in handed.append(element.text) }
            }
            #expect(problem?.message.contains("DTD") == true, "\(name): \(problem?.message ?? "")")
            #expect(handed.isEmpty, "\(name): elements were handed over")
            let leaked = (problem?.message ?? "").contains(Self.marker)
            #expect(leaked == false, "\(name)")
        }
        #expect(listener.wasContacted() == false, "the reader connected to \(listener.url)")
    }

    @Test("the same documents read from a file path are refused too")
    func fileReaderRefusesDTDs() throws {
        let listener = try Listener()
        for (name, text) in try Self.hostileMessages(listener: listener) {
            let reader = try XMLStreamReader(path: try DatahubFixtures.file(text).path)
            #expect(throws: XMLProblem.self, "\(name)") { try reader.forEachElement(where: { _ in true }) { _, _ in } }
        }
        #expect(listener.wasContacted() == false)
    }

    @Test("through the Datahub connector each is quarantined whole with a reason naming the DTD; nothing is read or fetched")
    func connectorQuarantines() throws {
        let listener = try Listener()
        for (name, text) in try Self.hostileMessages(listener: listener) {
            let outcome = try DatahubFixtures.read(text: text)
            #expect(outcome.records.isEmpty, "\(name)")
            #expect(outcome.rejected.count == 1, "\(name)")
            let reason = outcome.rejected.first?.reason ?? ""
            #expect(reason.contains("DTD"), "\(name): \(reason)")
            let leaked = reason.contains(Self.marker) || reason.contains("lollollol")
            #expect(leaked == false, "\(name)")
            // The quarantine keeps the bytes as they came, not an expansion of them.
            #expect(outcome.rejected.first?.raw == Array(text.utf8), "\(name)")
        }
        #expect(listener.wasContacted() == false, "the connector connected to \(listener.url)")
    }

    @Test("a DTD inside a SOAP peek envelope is refused like one in a bare message")
    func doctypeInEnvelope() throws {
        let listener = try Listener()
        let envelope = try DatahubFixtures.example("PeekMessageResponse_F01_envelope.xml")
        let declaration = envelope.hasPrefix("<?xml") ? String(envelope[..<envelope.range(of: "?>")!.upperBound]) : ""
        let text = declaration + "\n<!DOCTYPE x [<!ENTITY % remote SYSTEM \"\(listener.url).ent\"> %remote;]>" + envelope.dropFirst(declaration.count)
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.first?.reason.contains("DTD") == true)
        #expect(listener.wasContacted() == false)
    }

    @Test("a schema location on the network in the message is never fetched; the message validates against Lähde's own XSD")
    func schemaLocationIgnored() throws {
        let listener = try Listener()
        let text = try DatahubFixtures.example("F01_minimal.xml").replacingOccurrences(
            of: "xmlns:rsm=\"urn:fi:Datahub:mif:masterdata:F01_MasterDataCustomerEvent:v1\"",
            with: "xmlns:rsm=\"urn:fi:Datahub:mif:masterdata:F01_MasterDataCustomerEvent:v1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:fi:Datahub:mif:masterdata:F01_MasterDataCustomerEvent:v1 \(listener.url).xsd\"")
        #expect(text.contains("schemaLocation"))
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.rejected.isEmpty, "\(outcome.rejected.map(\.reason))")
        #expect(outcome.records.count == 1)
        #expect(listener.wasContacted() == false, "the schema location was fetched")
    }

    @Test("an XInclude element is not processed: the file it names is never read in")
    func xincludeNotProcessed() throws {
        let secret = try Self.secretFile()
        let text = try DatahubFixtures.example("F01_minimal.xml").replacingOccurrences(
            of: "<elm:StartOfOccurrence>",
            with: "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"\(secret.absoluteString)\" parse=\"text\"/><elm:StartOfOccurrence>")
        let reader = try XMLStreamReader(bytes: Array(text.utf8))
        var texts: [String] = []
        try reader.forEachElement(where: { _ in true }) { element, _ in
            func collect(_ element: XMLTreeElement) { texts.append(element.text); element.children.forEach(collect) }
            collect(element)
        }
        #expect(texts.joined().contains(Self.marker) == false)
        // Through the connector the unknown element fails the schema: quarantined, marker nowhere.
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.count == 1)
        #expect((outcome.rejected.first?.reason ?? "").contains(Self.marker) == false)
    }

    @Test("nesting deeper than libxml2's limit is refused as not well-formed, without a crash")
    func deepNesting() throws {
        let depth = 20_000
        let text = "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let reader = try XMLStreamReader(bytes: Array(text.utf8))
        #expect(throws: XMLProblem.self) { try reader.forEachElement(where: { $0.local == "a" }) { _, _ in } }
        let outcome = try DatahubFixtures.read(text: text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rejected.count == 1)
    }
}

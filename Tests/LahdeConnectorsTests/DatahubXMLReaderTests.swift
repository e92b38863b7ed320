import Foundation
import LahdeXML
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// LahdeXML's streaming reader (tested here because the package has no LahdeXML test target).
@Suite("Datahub: streaming XML reader (LahdeXML)")
struct DatahubXMLReaderTests {
    static let ns = "urn:example:lahde:v1"

    func elements(_ text: String, where select: @escaping (XMLName) -> Bool = { $0.local == "item" }) throws -> [XMLTreeElement] {
        let reader = try XMLStreamReader(bytes: Array(text.utf8))
        var found: [XMLTreeElement] = []
        try reader.forEachElement(where: select) { element, _ in found.append(element) }
        return found
    }

    /// The names, texts and attributes of a tree, without lines, for comparing documents.
    func shape(_ element: XMLTreeElement) -> String {
        "\(element.name)\(element.attributes.map { "@\($0.name)=\($0.value)" }.joined())[\(element.text.trimmingCharacters(in: .whitespacesAndNewlines))](\(element.children.map(shape).joined(separator: ",")))"
    }

    @Test("elements match by namespace URI and local name, whatever prefixes the writer chose")
    func prefixesDoNotMatter() throws {
        let prefixed = "<a:feed xmlns:a='\(Self.ns)'><a:item code='1'><a:name>x</a:name></a:item></a:feed>"
        let defaulted = "<feed xmlns='\(Self.ns)'><item code='1'><name>x</name></item></feed>"
        let other = "<ns9:feed xmlns:ns9='\(Self.ns)'><ns9:item code='1'><ns9:name>x</ns9:name></ns9:item></ns9:feed>"
        let wrongNamespace = "<a:feed xmlns:a='urn:other'><a:item code='1'><a:name>x</a:name></a:item></a:feed>"
        let select: (XMLName) -> Bool = { $0 == XMLName(Self.ns, "item") }
        let shapes = try [prefixed, defaulted, other].map { try elements($0, where: select).map(shape) }
        #expect(shapes[0].count == 1)
        #expect(shapes[0] == shapes[1])
        #expect(shapes[0] == shapes[2])
        #expect(try elements(wrongNamespace, where: select).isEmpty)
        #expect(try elements(prefixed, where: select).first?.child(Self.ns, "name")?.text == "x")
    }

    @Test("a selected element keeps attributes, its own text, lines and a path of local names")
    func treeDetails() throws {
        let text = """
            <r xmlns="\(Self.ns)" xmlns:q="urn:q">
              <item q:kind="k" plain="p &amp; q">
                <c>one</c>
                <c>two<![CDATA[ <three> ]]></c>
              </item>
            </r>
            """
        let item = try #require(try elements(text).first)
        #expect(item.line == 2)
        #expect(item.path == "/r/item")
        #expect(item.attribute("plain") == "p & q")
        #expect(item.attribute("kind", namespace: "urn:q") == "k")
        #expect(item.attribute("kind") == nil)
        let children = item.children(Self.ns, "c")
        #expect(children.map(\.text) == ["one", "two <three> "])
        #expect(children.map(\.line) == [3, 4])
        #expect(children.map(\.path) == ["/r/item/c", "/r/item/c[2]"])
    }

    @Test("selection stops at the outermost match and every match in a long stream is handed over")
    func manyElements() throws {
        let body = (1...5000).map { "<item n='\($0)'><item>inner</item></item>" }.joined(separator: "\n")
        let found = try elements("<r>\n\(body)\n</r>")
        #expect(found.count == 5000)
        #expect(found.last?.attribute("n") == "5000")
        #expect(found.last?.line == 5001)
        #expect(found.first?.children.count == 1)
    }

    @Test("the SAX2 walk and the xmlTextReader walk give the same trees: names, texts, attributes, lines, paths")
    func bothWalksAgree() throws {
        func deep(_ element: XMLTreeElement) -> String {
            "\(element.line) \(element.path) \(element.name) \(element.attributes) [\(element.text)] (\(element.children.map(deep).joined(separator: ", ")))"
        }
        var text = "<?xml version=\"1.0\"?>\n<batch xmlns:x='urn:x'><x:other><item>not me</item></x:other>\n"
        for name in ["F01_minimal.xml", "E58_minimal.xml", "F01_minimal.xml", "PeekMessageResponse_F01_envelope.xml"] {
            let body = try DatahubFixtures.example(name)
            text += String(body[body.range(of: "?>")!.upperBound...]) + "\n<!-- between --><?pi here?>\n"
        }
        text += "<x:item a='1 &amp; &lt;2&gt;'>t&amp;u<![CDATA[<v>]]><x:item/>w</x:item></batch>\n"
        let select: (XMLName) -> Bool = { $0.local.hasSuffix("Message") || $0.local == "item" }
        var sax: [String] = []
        try XMLStreamReader(bytes: Array(text.utf8)).forEachElement(where: select) { element, _ in sax.append(deep(element)) }
        var reader: [String] = []
        try XMLStreamReader(bytes: Array(text.utf8)).forEachElementThroughReader(where: select, schema: { _ in nil }) { element, _ in reader.append(deep(element)) }
        #expect(sax.count == 6)
        #expect(sax == reader)
        let file = try DatahubFixtures.file(text, name: "both.xml")
        var fromFile: [String] = []
        var tags: [String] = []
        let bytes = Array(text.utf8)
        try XMLStreamReader(path: file.path).forEachElement(where: select) { element, _ in
            fromFile.append(deep(element))
            // The start tag's exact place in the file, whatever its prefix and namespace declarations.
            if let offset = element.startTagOffset.map(Int.init), let end = bytes[offset...].firstIndex(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x3E || $0 == 0x2F }) {
                tags.append(String(decoding: bytes[offset..<end], as: UTF8.self))
            }
        }
        #expect(fromFile == sax)
        #expect(tags == ["<item", "<rsm:MasterDataCustomerEventMessage", "<rsm:MasterDataMPEventMessage", "<rsm:MasterDataCustomerEventMessage", "<rsm:MasterDataCustomerEventMessage", "<x:item"])
    }

    @Test("a document that is not well-formed fails with the line and libxml2's message")
    func notWellFormed() throws {
        let text = "<r>\n<item>\n<a>1</a>\n<b>2</a>\n</item>\n</r>"
        let problem = #expect(throws: XMLProblem.self) { try elements(text) }
        #expect(problem?.line == 4)
        #expect(problem?.message.contains("mismatch") == true)
    }

    @Test("billion laughs is refused, with nothing expanded or handed over")
    func billionLaughs() throws {
        var entities = "<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 { entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n" }
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n\(entities)]>\n<r><item>&lol9;</item></r>"
        let started = Date()
        var handed = 0
        let reader = try XMLStreamReader(bytes: Array(text.utf8))
        let problem = #expect(throws: XMLProblem.self) {
            try reader.forEachElement(where: { _ in true }) { _, _ in handed += 1 }
        }
        // libxml2 meets the first reference while parsing ahead and stops at the loop; either refusal will do
        let message = problem?.message ?? ""
        #expect(message.contains("DTD") || message.contains("entity reference loop") || message.contains("amplification"), "\(message)")
        #expect(handed == 0)
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test("an external entity (XXE) is refused and the file it names is never read into the document")
    func externalEntity() throws {
        let secret = try DatahubFixtures.file("TOP-SECRET-\(UInt32.random(in: 0...UInt32.max))", name: "secret.txt")
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"\(secret.absoluteString)\">]>\n<r><item>&xxe;</item></r>"
        var texts: [String] = []
        let reader = try XMLStreamReader(bytes: Array(text.utf8))
        let problem = #expect(throws: XMLProblem.self) {
            try reader.forEachElement(where: { _ in true }) { element, _ in texts.append(element.text) }
        }
        #expect(problem?.message.contains("DTD") == true)
        #expect(!texts.joined().contains("TOP-SECRET"))
    }

    @Test("a DTD or entity on the network is refused without any connection being made")
    func noNetwork() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        #expect(bound == 0)
        #expect(listen(listener, 8) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/evil"
        let documents = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"\(url).dtd\">\n<r><item/></r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY % remote SYSTEM \"\(url).ent\"> %remote;]>\n<r><item/></r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"\(url).txt\">]>\n<r><item>&e;</item></r>",
        ]
        for text in documents {
            let reader = try XMLStreamReader(bytes: Array(text.utf8))
            #expect(throws: XMLProblem.self) { try reader.forEachElement(where: { _ in true }) { _, _ in } }
        }
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)
        let connection = accept(listener, nil, nil)
        if connection >= 0 { close(connection) }
        #expect(connection < 0, "the reader connected to \(url)")
    }

    @Test("a selected element is validated on its own, with the first error's line, path and message")
    func subtreeValidation() throws {
        let schema = try XMLSchema(path: DatahubFixtures.xsd.appendingPathComponent("masterdata/F01_MasterDataCustomerEvent.xsd").path)
        let valid = try DatahubFixtures.example("PeekMessageResponse_F01_envelope.xml")
        let invalid = valid.replacingOccurrences(of: "<hdr:DocumentType>F01</hdr:DocumentType>", with: "<hdr:DocumentType>F99</hdr:DocumentType>")
        let messageLine = valid.components(separatedBy: "\n").firstIndex { $0.contains("<hdr:DocumentType>") }! + 1
        for (text, expectProblem) in [(valid, false), (invalid, true)] {
            let reader = try XMLStreamReader(bytes: Array(text.utf8))
            var results: [[XMLProblem]] = []
            try reader.forEachElement(where: { $0.local == "MasterDataCustomerEventMessage" }, schema: { _ in schema }) { _, problems in
                results.append(problems)
            }
            #expect(results.count == 1)
            if expectProblem {
                let first = try #require(results.first?.first)
                #expect(first.line == messageLine)
                #expect(first.path == "/Envelope/Body/PeekMessageResponse/MessageContainer/Payload/MasterDataCustomerEventMessage/MasterDataCustomerEvent/Header/DocumentType")
                #expect(first.message.contains("F99"))
            } else {
                #expect(results.first?.isEmpty == true)
            }
        }
    }

    @Test("streaming validation reports what the tree validator reports: the same messages, lines and paths, per element")
    func streamingValidationAgreesWithTheTree() throws {
        let schema = try XMLSchema(path: DatahubFixtures.xsd.appendingPathComponent("masterdata/F01_MasterDataCustomerEvent.xsd").path)
        let full = try DatahubFixtures.example("F01_consumer_full.xml")
        let body = String(full[full.range(of: "?>")!.upperBound...])
        let communication = "<elm:Communication><elm:CompleteNumber>+358401111111</elm:CompleteNumber></elm:Communication>"
        let mutations: [(String, String)] = [
            ("", ""),
            (">Virtanen<", ">\(String(repeating: "x", count: 51))<"),
            ("<elm:ConsumerInvolvedCustomerAddress>", communication + "\n<elm:ConsumerInvolvedCustomerAddress>"),
            ("listAgencyIdentifier=\"NFI\">", ">"),
            ("schemeAgencyIdentifier=\"", "bogus=\"1\" schemeAgencyIdentifier=\""),
            ("<hdr:DocumentType>F01</hdr:DocumentType>", "<hdr:DocumentType>F99</hdr:DocumentType><hdr:Unknown/>"),
            ("</rsm:Transaction>", "</rsm:Transaction><rsm:Transaction/>"),
        ]
        // Several messages in one document (one of them inside an outer element declaring a prefix), so that
        // a validator left in a bad state by the message before would show. Each message validates on its own,
        // while the tree validator also checks that `wsu:Id`s are unique in the document: distinct ones here.
        var text = "<?xml version=\"1.0\"?>\n<batch xmlns:x='urn:x'>\n"
        for (index, (from, to)) in mutations.enumerated() {
            var message = from.isEmpty ? body : body.replacingOccurrences(of: from, with: to)
            message = message.replacingOccurrences(of: "\"F01-0001\"", with: "\"F01-000\(index)\"")
            text += index == 3 ? "<x:wrap>\(message)</x:wrap>\n" : message + "\n"
        }
        text += "</batch>\n"
        let select: (XMLName) -> Bool = { $0.local == "MasterDataCustomerEventMessage" }
        var streamed: [[XMLProblem]] = []
        try XMLStreamReader(bytes: Array(text.utf8)).forEachElement(where: select, schema: { _ in schema }) { _, problems in
            streamed.append(problems)
        }
        var tree: [[XMLProblem]] = []
        try XMLStreamReader(bytes: Array(text.utf8)).forEachElementThroughReader(where: select, schema: { _ in schema }) { _, problems in
            tree.append(problems)
        }
        #expect(streamed.count == mutations.count)
        #expect(streamed.first?.isEmpty == true)
        #expect(streamed.dropFirst().allSatisfy { !$0.isEmpty })
        for (index, (stream, reference)) in zip(streamed, tree).enumerated() {
            #expect(stream == reference, "message \(index)")
        }
    }

    @Test("a schema that is missing or does not compile is a problem naming the file")
    func brokenSchema() throws {
        let missing = #expect(throws: XMLProblem.self) { try XMLSchema(path: "/nonexistent/lahde.xsd") }
        #expect(missing?.message.contains("/nonexistent/lahde.xsd") == true)
        let broken = try DatahubFixtures.file("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element name='a' type='nope'/></xs:schema>", name: "broken.xsd")
        #expect(throws: XMLProblem.self) { try XMLSchema(path: broken.path) }
    }

    @Test("a file streams in constant memory: a 40 MB document does not grow the process like a tree would")
    func constantMemory() throws {
        let url = try DatahubFixtures.file("", name: "big.xml")
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data("<r xmlns='\(Self.ns)'>\n".utf8))
        let chunk = Data((0..<1000).map { "<item n='\($0)'><name>\(String(repeating: "x", count: 300))</name></item>\n" }.joined().utf8)
        for _ in 0..<120 { try handle.write(contentsOf: chunk) }
        try handle.write(contentsOf: Data("</r>\n".utf8))
        try handle.close()
        func peak() -> Int { var usage = rusage(); getrusage(RUSAGE_SELF.rawValue, &usage); return usage.ru_maxrss / 1024 }  // MiB
        let before = peak()
        var count = 0
        try XMLStreamReader(path: url.path).forEachElement(where: { $0.local == "item" }) { _, _ in count += 1 }
        #expect(count == 120_000)
        #expect(peak() - before < 60, "peak RSS grew by \(peak() - before) MiB")
    }
}

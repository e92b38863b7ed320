internal import CLibXML2
import Foundation

/// `XMLStreamReader.forEachElement` without validation, over libxml2's SAX2 push parser.
///
/// `xmlTextReader` builds a libxml2 node for everything it reads and frees it again, and a selected
/// element was then copied into Swift: about 75 million instructions per megabyte in libxml2 alone
/// (callgrind), against about 35 for SAX2. Here the events of a selected element go straight into an
/// `XMLTreeStorage`; everything outside one is only followed for the path. Validation needs libxml2's
/// tree of the element, so a reader that validates still goes through `xmlTextReader`.
///
/// The same refusals as the reader's: a `<!DOCTYPE` stops the parse before anything in it is read (no
/// entity is declared, so none can be expanded, and nothing external is loaded), the parser never
/// touches the network, and namespace errors end the walk.
struct XMLSAXWalk {
    private let select: (XMLName) -> Bool
    private let body: (XMLTreeElement) throws -> Void
    let errors = XMLErrorCollector()
    /// `errors` holds a problem (warnings are not kept): asked at every element, so kept at hand.
    private var failed = false
    private(set) var context: xmlParserCtxtPtr? = nil

    /// Why the walk stopped besides a parser error: a DTD, or what `body` threw.
    private(set) var refusal: XMLProblem? = nil
    private(set) var thrown: (any Error)? = nil
    private var stopped = false

    // Names: SAX2 hands over dictionary-interned local names; namespace URIs are compared as strings.
    private var names = XMLInterner<XMLName>()
    private struct Slot {
        var local: UInt = 0
        var uri: UInt = 0
        var id: Int32 = -1
    }
    private var recent = [Slot](repeating: Slot(), count: 4096)

    /// Elements outside a selected one: their names and how many same-named children they have had.
    private var outer: [(name: Int32, childCounts: [Int32: Int])] = []

    // The selected element being built.
    private var building = false
    private var nodes: [XMLTreeStorage.Node] = []
    private var attributes: [XMLAttribute] = []
    private var text: [UInt8] = []
    /// Open elements of the selected subtree: index, last child so far, and own text so far.
    private var open: [(index: Int32, lastChild: Int32)] = []
    private var texts: [[UInt8]] = []
    private var rootPath = ""

    private init(select: @escaping (XMLName) -> Bool, body: @escaping (XMLTreeElement) throws -> Void) {
        self.select = select
        self.body = body
    }

    /// Parses `chunks` (each call gives the next bytes, empty at the end) with a fresh walk; throws what
    /// stopped it. The walk's state lives behind a pointer handed to libxml2 as the callbacks' context, so
    /// that the callbacks reach it without Swift's exclusivity checks on class properties (a visible cost
    /// per element).
    static func run(
        select: @escaping (XMLName) -> Bool, body: @escaping (XMLTreeElement) throws -> Void,
        name: String, options: Int32, chunks: () throws -> [UInt8]
    ) throws {
        let walk = UnsafeMutablePointer<XMLSAXWalk>.allocate(capacity: 1)
        walk.initialize(to: XMLSAXWalk(select: select, body: body))
        defer {
            walk.deinitialize(count: 1)
            walk.deallocate()
        }
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, local, _, uri, _, _, count, _, attributes in
            XMLSAXWalk.from(context).pointee.start(local, uri, count, attributes)
        }
        handler.endElementNs = { context, _, _, _ in XMLSAXWalk.from(context).pointee.end() }
        handler.characters = { context, bytes, count in XMLSAXWalk.from(context).pointee.characters(bytes, count) }
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        handler.internalSubset = { context, _, _, _ in XMLSAXWalk.from(context).pointee.refuseDTD() }
        handler.serror = { context, error in
            guard let context, let error else { return }
            let walk = XMLSAXWalk.from(context)
            walk.pointee.errors.record(error)
            walk.pointee.failed = !walk.pointee.errors.problems.isEmpty
        }
        guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(walk), nil, 0, name) else {
            throw XMLProblem(line: nil, message: "cannot create an XML parser")
        }
        walk.pointee.context = context
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, options)
        while !walk.pointee.stopped {
            let chunk = try chunks()
            let status = chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { xmlParseChunk(context, $0.baseAddress, Int32($0.count), chunk.isEmpty ? 1 : 0) }
            }
            if walk.pointee.stopped || status != 0 || chunk.isEmpty { break }
        }
        if let refusal = walk.pointee.refusal { throw refusal }
        if let thrown = walk.pointee.thrown { throw thrown }
        if let first = walk.pointee.errors.problems.first { throw first }
        if context.pointee.wellFormed == 0 {
            throw XMLProblem(line: Int(context.pointee.input?.pointee.line ?? 0), message: "the document is not well-formed XML")
        }
    }

    /// libxml2's own limit without XML_PARSE_HUGE (`xmlParserMaxDepth`).
    static let maximumDepth: Int32 = 256

    private static func from(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<XMLSAXWalk> {
        context!.assumingMemoryBound(to: XMLSAXWalk.self)
    }

    private var line: Int32 { Int32(truncatingIfNeeded: context?.pointee.input?.pointee.line ?? 0) }

    private mutating func stop() {
        stopped = true
        if let context { xmlStopParser(context) }
    }

    private mutating func refuseDTD() {
        guard !stopped else { return }
        refusal = XMLProblem(line: Int(line), message: "the document declares a DTD (<!DOCTYPE>); DTDs and entity declarations are refused in feeds")
        stop()
    }

    private mutating func nameID(_ local: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?) -> Int32 {
        let localAddress = UInt(bitPattern: local), uriAddress = UInt(bitPattern: uri)
        let slot = Int(truncatingIfNeeded: ((localAddress &* 0x9E37_79B9_7F4A_7C15) ^ (uriAddress &* 0xC2B2_AE3D_27D4_EB4F)) >> 52)
        if recent[slot].id >= 0 && recent[slot].local == localAddress && recent[slot].uri == uriAddress { return recent[slot].id }
        let id = names.id(for: XMLName(uri.map { String(cString: $0) } ?? "", local.map { String(cString: $0) } ?? ""))
        // Only strings the parser's dictionary owns keep their address for the whole parse.
        if let dict = context?.pointee.dict, let local, xmlDictOwns(dict, local) == 1, uri.map({ xmlDictOwns(dict, $0) == 1 }) ?? true {
            recent[slot] = Slot(local: localAddress, uri: uriAddress, id: id)
        }
        return id
    }

    private mutating func start(_ local: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ count: Int32, _ values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !stopped else { return }
        // libxml2 goes on after namespace errors (an undeclared prefix); such a document is not
        // namespace-well-formed, and going on would silently drop the elements that lost their namespace.
        if failed { return stop() }
        // libxml2 enforces its nesting limit only while it builds a tree, and this walk builds none: the
        // same limit here keeps a hostile depth from being walked at all.
        if let context, context.pointee.nameNr > Self.maximumDepth {
            refusal = XMLProblem(line: Int(line), message: "elements nest deeper than \(Self.maximumDepth) levels; the document is refused")
            return stop()
        }
        let name = nameID(local, uri)
        if building {
            startNode(name, count, values)
            return
        }
        if select(names[name]) {
            var path = ""
            for (index, frame) in outer.enumerated() {
                let position = index == 0 ? 1 : outer[index - 1].childCounts[frame.name] ?? 1
                path += "/" + names[frame.name].local + (position > 1 ? "[\(position)]" : "")
            }
            // The reader frees handed-over elements as it moves on, so a selected element's own step never
            // counts the selected siblings before it; the same here, so that both give the same paths.
            rootPath = path + "/" + names[name].local
            building = true
            nodes = []
            attributes = []
            text = []
            nodes.reserveCapacity(64)
            text.reserveCapacity(1024)
            startNode(name, count, values)
            return
        }
        if let parent = outer.indices.last { outer[parent].childCounts[name, default: 0] += 1 }
        outer.append((name, [:]))
    }

    private mutating func startNode(_ name: Int32, _ count: Int32, _ values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let index = Int32(nodes.count)
        var node = XMLTreeStorage.Node(name: name, parent: open.last?.index ?? -1, line: line)
        node.attributeStart = Int32(attributes.count)
        if let values {
            for attribute in 0..<Int(count) {
                let base = values + attribute * 5
                let attributeID = nameID(base[0], base[2])  // may add the name: look it up after
                let attributeName = names[attributeID]
                var value = ""
                if let start = base[3], let end = base[4] {
                    value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                    // Without entity substitution libxml2 hands `&amp;` over as the character reference
                    // `&#38;` (the only reference left: no DTD means no other entity); resolve it.
                    if value.utf8.contains(UInt8(ascii: "&")) { value = value.replacingOccurrences(of: "&#38;", with: "&") }
                }
                attributes.append(XMLAttribute(name: attributeName, value: value))
            }
        }
        node.attributeEnd = Int32(attributes.count)
        nodes.append(node)
        if let parent = open.last {
            if parent.lastChild < 0 { nodes[Int(parent.index)].firstChild = index } else { nodes[Int(parent.lastChild)].nextSibling = index }
            open[open.count - 1].lastChild = index
        }
        open.append((index, -1))
        if texts.count < open.count { texts.append([]) }
    }

    private mutating func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard building, !stopped, let bytes, count > 0 else { return }
        texts[open.count - 1].append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
    }

    private mutating func end() {
        guard !stopped else { return }
        if failed { return stop() }
        guard building else {
            outer.removeLast()
            return
        }
        let depth = open.count - 1
        let index = Int(open[depth].index)
        nodes[index].textStart = Int32(text.count)
        text.append(contentsOf: texts[depth])
        nodes[index].textEnd = Int32(text.count)
        texts[depth].removeAll(keepingCapacity: true)
        open.removeLast()
        guard open.isEmpty else { return }
        building = false
        let storage = XMLTreeStorage(nodes: nodes, names: names.values, attributes: attributes, text: text, rootPath: rootPath)
        nodes = []
        attributes = []
        text = []
        do {
            try body(storage.root)
        } catch {
            thrown = error
            stop()
        }
    }
}

internal import CLibXML2
import Foundation

/// `XMLStreamReader.forEachElement`, over libxml2's SAX2 push parser.
///
/// `xmlTextReader` builds a libxml2 node for everything it reads and frees it again, and a selected
/// element was then copied into Swift: about 75 million instructions per megabyte in libxml2 alone
/// (callgrind), against about 35 for SAX2. Here the events of a selected element go straight into an
/// `XMLTreeStorage`; everything outside one is only followed for the path. When the element has a
/// schema, the same events also go to libxml2's streaming validator (`XMLStreamValidation`), so no
/// libxml2 tree is built for validation either.
///
/// The same refusals as the reader's: a `<!DOCTYPE` stops the parse before anything in it is read (no
/// entity is declared, so none can be expanded, and nothing external is loaded), the parser never
/// touches the network, and namespace errors end the walk.
struct XMLSAXWalk {
    private let select: (XMLName) -> Bool
    private let schema: ((XMLName) -> XMLSchema?)?
    private let body: (XMLTreeElement, [XMLProblem]) throws -> Void
    /// Validates the selected element being built, when it has a schema.
    private var validation: XMLStreamValidation? = nil
    /// The message's namespace declarations of the elements outside the selected one, as prefix/URI pairs
    /// of dictionary strings: a validated element resolves QName values (`xsi:type`) against them too.
    private var outerNamespaces: [UnsafePointer<xmlChar>?] = []
    let errors = XMLErrorCollector()
    /// `errors` holds a problem (warnings are not kept): asked at every element, so kept at hand.
    private var failed = false
    private(set) var context: xmlParserCtxtPtr? = nil

    /// Why the walk stopped besides a parser error: a DTD, or what `body` threw.
    private(set) var refusal: XMLProblem? = nil
    private(set) var thrown: (any Error)? = nil
    private var stopped = false

    // Names: SAX2 hands over dictionary-interned local names; namespace URIs are compared as strings.
    private var names = XMLNameTable()
    private struct Slot {
        var local: UInt = 0
        var uri: UInt = 0
        var id: Int32 = -1
    }
    private var recent = [Slot](repeating: Slot(), count: 4096)
    private struct AddressPair: Hashable {
        let local: UInt
        let uri: UInt
    }
    private var knownAddresses: [AddressPair: Int32] = [:]

    /// Elements outside a selected one: their names and how many same-named children they have had.
    private var outer: [(name: Int32, childCounts: [Int32: Int], namespaceCount: Int)] = []

    // The selected element being built.
    private var building = false
    private var nodes: [XMLTreeStorage.Node] = []
    private var attributes: [XMLTreeStorage.Attribute] = []
    private var attributeValues = XMLByteBuffer(capacity: 1024)
    /// The finished elements' own texts, each one contiguous range.
    private var text = XMLByteBuffer(capacity: 4096)
    /// Open elements of the selected subtree: index, last child so far, and where their own text starts in
    /// `pendingText`.
    private var open: [(index: Int32, lastChild: Int32, textStart: Int)] = []
    /// The open elements' own texts so far, innermost last: an element's text is appended at the end, and
    /// a child's is cut off again when the child ends, so each element's text stays one contiguous range.
    private var pendingText = XMLByteBuffer(capacity: 1024)
    private var rootPath = ""
    private var rootOffset: Int64 = -1

    private init(
        select: @escaping (XMLName) -> Bool, schema: ((XMLName) -> XMLSchema?)?, body: @escaping (XMLTreeElement, [XMLProblem]) throws -> Void
    ) {
        self.select = select
        self.schema = schema
        self.body = body
    }

    /// Parses what `read` gives (it fills the buffer it is handed and returns the byte count, 0 at the end)
    /// with a fresh walk; throws what stopped it. The walk's state lives behind a pointer handed to libxml2
    /// as the callbacks' context, so that the callbacks reach it without Swift's exclusivity checks on class
    /// properties (a visible cost per element).
    ///
    /// libxml2 pulls the input (`xmlCreateIOParserCtxt` + `xmlParseDocument`) rather than being pushed
    /// chunks: the push parser looks ahead for the end of every tag before parsing it, about 10 % more
    /// instructions for the same events.
    static func run(
        select: @escaping (XMLName) -> Bool, schema: ((XMLName) -> XMLSchema?)?,
        body: @escaping (XMLTreeElement, [XMLProblem]) throws -> Void,
        options: Int32, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let walk = UnsafeMutablePointer<XMLSAXWalk>.allocate(capacity: 1)
        walk.initialize(to: XMLSAXWalk(select: select, schema: schema, body: body))
        walk.pointee.read = read
        let validators = XMLStreamValidators(reportingTo: UnsafeMutableRawPointer(walk)) { context, error in
            guard let error else { return }
            XMLSAXWalk.from(context).pointee.recordSchemaError(error)
        }
        defer {
            walk.pointee.validation?.finish()
            walk.pointee.text.free()
            walk.pointee.pendingText.free()
            walk.pointee.attributeValues.free()
            walk.deinitialize(count: 1)
            walk.deallocate()
        }
        walk.pointee.validators = validators
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, local, prefix, uri, namespaceCount, namespaces, count, defaulted, attributes in
            XMLSAXWalk.from(context).pointee.start(
                StartTag(local: local, prefix: prefix, uri: uri, namespaceCount: namespaceCount, namespaces: namespaces,
                         attributeCount: count, defaultedCount: defaulted, attributes: attributes))
        }
        handler.endElementNs = { context, local, prefix, uri in XMLSAXWalk.from(context).pointee.end(local, prefix, uri) }
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
        let input: xmlInputReadCallback = { context, buffer, length in
            XMLSAXWalk.from(context).pointee.fill(buffer, length)
        }
        guard let context = xmlCreateIOParserCtxt(&handler, UnsafeMutableRawPointer(walk), input, nil, UnsafeMutableRawPointer(walk), XML_CHAR_ENCODING_NONE)
        else {
            if let thrown = walk.pointee.thrown { throw thrown }
            throw XMLProblem(line: nil, message: "cannot create an XML parser")
        }
        walk.pointee.context = context
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, options)
        xmlParseDocument(context)
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

    /// The input; what it throws stops the walk and is rethrown.
    private var read: (UnsafeMutableRawBufferPointer) throws -> Int = { _ in 0 }

    private mutating func fill(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
        guard let buffer, length > 0, thrown == nil else { return thrown == nil ? 0 : -1 }
        do {
            return Int32(try read(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
        } catch {
            thrown = error
            return -1
        }
    }

    /// The compiled schemas' validation contexts, made once per walk.
    private var validators: XMLStreamValidators? = nil

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
        // Two names sharing a slot evict each other every message: they are found by address here, without
        // making their strings again.
        let pair = AddressPair(local: localAddress, uri: uriAddress)
        if let known = knownAddresses[pair] {
            recent[slot] = Slot(local: localAddress, uri: uriAddress, id: known)
            return known
        }
        let id = names.id(for: XMLName(uri.map { String(cString: $0) } ?? "", local.map { String(cString: $0) } ?? ""))
        // Only strings the parser's dictionary owns keep their address for the whole parse.
        if let dict = context?.pointee.dict, let local, xmlDictOwns(dict, local) == 1, uri.map({ xmlDictOwns(dict, $0) == 1 }) ?? true {
            recent[slot] = Slot(local: localAddress, uri: uriAddress, id: id)
            knownAddresses[pair] = id
        }
        return id
    }

    private mutating func start(_ tag: StartTag) {
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
        let name = nameID(tag.local, tag.uri)
        if building {
            startNode(name, tag)
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
            rootOffset = startTagOffset()
            building = true
            nodes = []
            attributes = []
            attributeValues.truncate(to: 0)
            text.truncate(to: 0)
            pendingText.truncate(to: 0)
            nodes.reserveCapacity(64)
            if let schema, let selected = schema(names[name]), let validators {
                validation = validators.begin(selected)
            }
            startNode(name, tag)
            return
        }
        if let parent = outer.indices.last { outer[parent].childCounts[name, default: 0] += 1 }
        let declared = Int(tag.namespaceCount)
        if declared > 0, let namespaces = tag.namespaces {
            for index in 0..<(2 * declared) { outerNamespaces.append(namespaces[index]) }
        }
        outer.append((name, [:], declared))
    }

    private mutating func startNode(_ name: Int32, _ tag: StartTag) {
        let index = Int32(nodes.count)
        var node = XMLTreeStorage.Node(name: name, parent: open.last?.index ?? -1, line: line)
        node.attributeStart = Int32(attributes.count)
        if let values = tag.attributes {
            for attribute in 0..<Int(tag.attributeCount) {
                let base = values + attribute * 5
                let attributeID = nameID(base[0], base[2])
                let valueStart = Int32(attributeValues.count)
                if let start = base[3], let end = base[4] {
                    let bytes = UnsafeBufferPointer(start: start, count: end - start)
                    // Without entity substitution libxml2 hands `&amp;` over as the character reference
                    // `&#38;` (the only reference left: no DTD means no other entity); resolve it.
                    if memchr(start, Int32(UInt8(ascii: "&")), end - start) != nil {
                        var resolved = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "&#38;", with: "&")
                        resolved.withUTF8 { attributeValues.append($0.baseAddress!, count: $0.count) }
                    } else {
                        attributeValues.append(start, count: end - start)
                    }
                }
                attributes.append(XMLTreeStorage.Attribute(name: attributeID, valueStart: valueStart, valueEnd: Int32(attributeValues.count)))
            }
        }
        node.attributeEnd = Int32(attributes.count)
        nodes.append(node)
        if let parent = open.last {
            if parent.lastChild < 0 { nodes[Int(parent.index)].firstChild = index } else { nodes[Int(parent.lastChild)].nextSibling = index }
            open[open.count - 1].lastChild = index
        }
        open.append((index, -1, pendingText.count))
        if validation != nil {
            problemTarget = index
            if index == 0 && !outerNamespaces.isEmpty {
                // The selected element is the validation root: the declarations it inherits come after its own.
                var namespaces: [UnsafePointer<xmlChar>?] = []
                if let own = tag.namespaces { for index in 0..<(2 * Int(tag.namespaceCount)) { namespaces.append(own[index]) } }
                for pair in stride(from: outerNamespaces.count - 2, through: 0, by: -2) {
                    namespaces.append(outerNamespaces[pair])
                    namespaces.append(outerNamespaces[pair + 1])
                }
                namespaces.withUnsafeMutableBufferPointer { buffer in
                    var inherited = tag
                    inherited.namespaceCount = Int32(buffer.count / 2)
                    inherited.namespaces = buffer.baseAddress
                    validation?.start(inherited)
                }
            } else {
                validation?.start(tag)
            }
        }
    }

    private mutating func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard building, !stopped, let bytes, count > 0 else { return }
        pendingText.append(bytes, count: Int(count))
        validation?.characters(bytes, count)
    }

    private mutating func end(_ local: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?) {
        guard !stopped else { return }
        if failed { return stop() }
        guard building else {
            let frame = outer.removeLast()
            if frame.namespaceCount > 0 { outerNamespaces.removeLast(2 * frame.namespaceCount) }
            return
        }
        let depth = open.count - 1
        let index = Int(open[depth].index)
        if validation != nil {
            problemTarget = Int32(index)
            validation?.end(local, prefix, uri)
        }
        let own = open[depth].textStart
        nodes[index].textStart = Int32(text.count)
        if own < pendingText.count {
            text.append(pendingText.base + own, count: pendingText.count - own)
            pendingText.truncate(to: own)
        }
        nodes[index].textEnd = Int32(text.count)
        open.removeLast()
        guard open.isEmpty else { return }
        building = false
        var problems: [XMLProblem] = []
        if let finished = validation {
            validation = nil
            if !finished.finish() && schemaProblems.isEmpty {
                schemaProblems.append(XMLProblem(
                    line: Int(nodes[0].line), path: rootPath, message: "the element is not valid against \(finished.schema.path)"))
            }
            problems = schemaProblems
            schemaProblems = []
        }
        let storage = XMLTreeStorage(
            nodes: nodes, names: names, attributes: attributes, attributeValues: attributeValues.array, text: text.array, rootPath: rootPath,
            rootOffset: rootOffset)
        nodes = []
        attributes = []
        attributeValues.truncate(to: 0)
        text.truncate(to: 0)
        do {
            try body(storage.root, problems)
        } catch {
            thrown = error
            stop()
        }
    }

    /// The input offset of the `<` of the start tag just parsed: libxml2 calls `startElementNs` with its
    /// cursor at the tag's closing `>`, the whole tag still in its buffer, and a `<` cannot occur inside a
    /// tag. Unknown (-1) when libxml2 converts the input to UTF-8, as its offsets then count converted bytes.
    private func startTagOffset() -> Int64 {
        guard let input = context?.pointee.input, let base = input.pointee.base, let cursor = input.pointee.cur,
            input.pointee.buf?.pointee.encoder == nil
        else { return -1 }
        var at = cursor
        while at > base {
            at -= 1
            if at.pointee == UInt8(ascii: "<") { return Int64(input.pointee.consumed) + Int64(at - base) }
        }
        return -1
    }

    // MARK: Schema errors

    /// The element the validator is looking at: its errors carry no node, so line and path come from here.
    private var problemTarget: Int32 = 0
    private var schemaProblems: [XMLProblem] = []

    /// A streaming validator's error, placed at the element being validated as the tree validator places
    /// it: the element's start-tag line and path (also for an error about one of its attributes).
    fileprivate mutating func recordSchemaError(_ error: UnsafeMutablePointer<xmlError>) {
        let level = error.pointee.level
        guard level == XML_ERR_ERROR || level == XML_ERR_FATAL, schemaProblems.count < XMLErrorCollector.limit, building else { return }
        let target = Int(problemTarget)
        let probe = XMLTreeStorage(nodes: nodes, names: names, text: [], rootPath: rootPath)
        let path = XMLTreeElement(storage: probe, index: Int32(target)).path
        schemaProblems.append(XMLProblem(line: Int(nodes[target].line), path: path, message: XMLErrorCollector.message(of: error)))
    }
}

/// One `startElementNs` event's arguments, passed on unchanged to the validator.
struct StartTag {
    var local: UnsafePointer<xmlChar>?
    var prefix: UnsafePointer<xmlChar>?
    var uri: UnsafePointer<xmlChar>?
    var namespaceCount: Int32
    var namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    var attributeCount: Int32
    var defaultedCount: Int32
    var attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
}

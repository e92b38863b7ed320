internal import CLibXML2

/// The validation contexts of one walk, one per compiled schema, reused for every element validated
/// against it.
///
/// libxml2's streaming validator (`xmlSchemaSAXPlug`) takes SAX2 events; plugged with no handler of its
/// own, it hands back its event functions and the walk calls them for the selected element's events only.
/// Unplugging ends that validation run and leaves the context ready for the next element.
final class XMLStreamValidators {
    private var contexts: [(schema: XMLSchema, context: OpaquePointer)] = []
    private let report: xmlStructuredErrorFunc
    private let reportContext: UnsafeMutableRawPointer
    /// Where the plug writes the validator's handler and user data, and writes them back when unplugged:
    /// they must stay put until then.
    let handlerSlot = UnsafeMutablePointer<UnsafeMutablePointer<xmlSAXHandler>?>.allocate(capacity: 1)
    let dataSlot = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)

    /// `report` receives every validation error with `context` (the walk).
    init(reportingTo context: UnsafeMutableRawPointer, _ report: xmlStructuredErrorFunc) {
        self.report = report
        self.reportContext = context
        handlerSlot.initialize(to: nil)
        dataSlot.initialize(to: nil)
    }

    deinit {
        for (_, context) in contexts { xmlSchemaFreeValidCtxt(context) }
        handlerSlot.deallocate()
        dataSlot.deallocate()
    }

    /// Starts validating the next element against `schema`; `nil` when libxml2 cannot (out of memory),
    /// which the caller reports as a problem of that element.
    func begin(_ schema: XMLSchema) -> XMLStreamValidation? {
        var context = contexts.first(where: { $0.schema === schema })?.context
        if context == nil {
            guard let made = xmlSchemaNewValidCtxt(schema.pointer) else { return nil }
            xmlSchemaSetValidStructuredErrors(made, report, reportContext)
            contexts.append((schema, made))
            context = made
        }
        guard let context else { return nil }
        handlerSlot.pointee = nil
        dataSlot.pointee = nil
        guard let plug = xmlSchemaSAXPlug(context, handlerSlot, dataSlot), let handler = handlerSlot.pointee else { return nil }
        return XMLStreamValidation(schema: schema, context: context, plug: plug, data: dataSlot.pointee, handler: handler.pointee)
    }
}

/// One element's validation run: the validator's SAX2 functions, fed the element's events by the walk.
struct XMLStreamValidation {
    let schema: XMLSchema
    private let context: OpaquePointer
    private let plug: OpaquePointer
    private let data: UnsafeMutableRawPointer?
    private let startElement: startElementNsSAX2Func?
    private let endElement: endElementNsSAX2Func?
    private let text: charactersSAXFunc?

    fileprivate init(schema: XMLSchema, context: OpaquePointer, plug: OpaquePointer, data: UnsafeMutableRawPointer?, handler: xmlSAXHandler) {
        self.schema = schema
        self.context = context
        self.plug = plug
        self.data = data
        self.startElement = handler.startElementNs
        self.endElement = handler.endElementNs
        self.text = handler.characters
    }

    func start(_ tag: StartTag) {
        startElement?(data, tag.local, tag.prefix, tag.uri, tag.namespaceCount, tag.namespaces, tag.attributeCount, tag.defaultedCount, tag.attributes)
    }

    func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int32) { text?(data, bytes, count) }

    func end(_ local: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?) {
        endElement?(data, local, prefix, uri)
    }

    /// Ends the run; whether the element was valid (libxml2 can fail without reporting an error).
    @discardableResult
    func finish() -> Bool {
        let valid = xmlSchemaIsValid(context) == 1
        xmlSchemaSAXUnplug(plug)
        return valid
    }
}

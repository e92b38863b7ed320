internal import CLibXML2

/// Facts about the libxml2 that Lähde is linked against.
///
/// The XML connectors stream with libxml2's SAX2 parser and validate against the XSDs while reading;
/// this type is where the process-wide library state is set up once.
public enum XMLLibrary {
    /// The libxml2 version Lähde was compiled against, e.g. `2.9.14` (shown by `lahde version`).
    public static var version: String { LIBXML_DOTTED_VERSION }

    /// libxml2's global state (the parser's tables, the entity loader) must be set before any thread
    /// parses; a `static let` runs this exactly once, thread-safely.
    private static let prepared: Void = {
        xmlInitParser()
        // Feeds come from outside: nothing they name (a DTD, an entity, a schema location) may make Lähde
        // open a network connection. Schemas still import their local neighbours through this loader.
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
    }()

    /// Called by every entry point of this module before touching libxml2.
    static func prepare() { _ = prepared }
}

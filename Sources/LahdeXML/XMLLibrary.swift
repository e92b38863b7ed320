internal import CLibXML2

/// Facts about the libxml2 that Lähde is linked against.
///
/// The XML connectors stream with libxml2's `xmlTextReader` and validate against the XSDs while reading;
/// this type is where the process-wide library state is set up once.
public enum XMLLibrary {
    /// The libxml2 version Lähde was compiled against, e.g. `2.9.14` (shown by `lahde version`).
    public static var version: String { LIBXML_DOTTED_VERSION }
}

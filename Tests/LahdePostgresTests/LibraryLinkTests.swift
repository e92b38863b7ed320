import LahdeFetch
import LahdePostgres
import LahdeXML
import Testing

@Suite("The C libraries are linked and answer")
struct LibraryLinkTests {
    @Test("libpq, libxml2 and libcurl report their versions")
    func versions() {
        #expect(PostgresLibrary.version.hasPrefix("1"))
        #expect(XMLLibrary.version.hasPrefix("2."))
        #expect(CurlLibrary.version.hasPrefix("libcurl/"))
    }
}

import ArgumentParser
import LahdeFetch
import LahdePostgres
import LahdeXML

/// `lahde version`: this build and the C libraries it runs on — the first thing to ask for in a bug report.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show versions of lahde and its libraries.")
    @OptionGroup var output: OutputOptions

    func run() throws {
        let libpq = PostgresLibrary.version
        output.emit(
            human: """
                lahde \(LahdeVersion.string)
                libpq \(libpq)
                libxml2 \(XMLLibrary.version)
                \(CurlLibrary.version)
                """,
            json: ["lahde": LahdeVersion.string, "libpq": libpq, "libxml2": XMLLibrary.version, "libcurl": CurlLibrary.version])
    }
}

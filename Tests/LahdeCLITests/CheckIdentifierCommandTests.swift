import _LahdeTestSupport
import LahdePostgres
import Testing

@Suite("lahde check-id")
struct CheckIdentifierCommandTests {
    let lahde = LahdeExecutable.built()

    @Test("valid identifiers pass, a henkilötunnus is shown masked")
    func valid() throws {
        let result = try lahde.run(["check-id", "010594Y9032", "0245437-2", "645823734848458216"])
        #expect(result.status == 0)
        #expect(result.output.contains("010594Y****"))
        #expect(!result.output.contains("010594Y9032"))
        #expect(result.output.contains("0245437-2"))
    }

    @Test("an invalid value exits 2 and never echoes the code")
    func invalid() throws {
        let result = try lahde.run(["check-id", "--json", "010190-999K"])
        #expect(result.status == 2)
        #expect(!result.output.contains("010190-999K"))
        #expect(try json(result.output)["valid"] as? Bool == false)
    }
}

import ArgumentParser
import LahdeCore

/// `lahde check-id`: validates identifiers the way every connector does, for an operator checking a
/// suspicious value by hand.
struct CheckIdentifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-id",
        abstract: "Validate henkilötunnus, Y-tunnus, GSRN, GLN, EIC codes and postal codes.",
        discussion: "A henkilötunnus is shown masked. Exit status 2 when any value is invalid.")

    @Option(name: .long, help: "Read the value as this kind instead of guessing: henkilotunnus, yTunnus, gsrn, gln, eic, postalCode.")
    var kind: IdentifierKind?

    @Argument(help: "Values to check.")
    var values: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
        var allValid = true
        for text in values {
            let kind = self.kind ?? IdentifierKind.detect(text)
            let result: Result<String, IdentifierError>
            switch kind {
            case .henkilotunnus: result = Self.check(Henkilotunnus.self, text)
            case .yTunnus: result = Self.check(YTunnus.self, text)
            case .gsrn: result = Self.check(GSRN.self, text)
            case .gln: result = Self.check(GLN.self, text)
            case .eic: result = Self.check(EICCode.self, text)
            case .postalCode: result = Self.check(PostalCode.self, text)
            case .customerNumber, nil:
                allValid = false
                output.emit(
                    human: "?  \(Redaction.maskingHenkilotunnus(in: text)): not a recognised identifier shape (use --kind)",
                    json: ["value": Redaction.maskingHenkilotunnus(in: text), "valid": false, "reason": "unrecognised shape"])
                continue
            }
            let kindName = kind?.displayName ?? "?"
            switch result {
            case .success(let shown):
                output.emit(human: "ok \(kindName) \(shown)", json: ["kind": kind?.rawValue as Any, "value": shown, "valid": true])
            case .failure(let error):
                allValid = false
                output.emit(
                    human: "✗  \(kindName): \(error.description)",
                    json: ["kind": kind?.rawValue as Any, "valid": false, "reason": error.description])
            }
        }
        if !allValid { throw ExitCode(ExitStatus.inputFailed.rawValue) }
    }

    /// Parses and returns the privacy-safe display form (a henkilötunnus masked).
    private static func check<T: FinnishIdentifier>(_ type: T.Type, _ text: String) -> Result<String, IdentifierError> {
        do {
            return .success(try T.parse(text).description)
        } catch {
            return .failure(error)
        }
    }
}

extension IdentifierKind: ExpressibleByArgument {}

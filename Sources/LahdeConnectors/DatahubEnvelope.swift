import Foundation
import LahdeXML

/// What every Datahub message carries around its transaction: header and process context.
struct DatahubEnvelope: Sendable {
    let type: DatahubMessageType
    let root: XMLTreeElement
    /// `hdr:Identification`, unique per sender: the message's name in locators.
    let identification: String
    /// `pec:EnergyBusinessProcess`, e.g. `DH-112-1`: what happened (reference §9).
    let process: String
    let creation: Date
    /// GLN of the party the message is for (the utility whose register this is).
    let juridicalRecipient: String
    let transaction: XMLTreeElement

    /// `message 7d3b… F01 DH-112-1`: what a provenance tag shows as the record's place.
    var locator: String { "message \(identification) \(type.code) \(process)" }

    /// Reads and checks the header: the §12 checks the XSD misses (DocumentType against the root, UTC).
    init(root: XMLTreeElement, type: DatahubMessageType) throws(DatahubMappingProblem) {
        let rsm = type.namespace
        guard let event = root.children.first(where: { $0.name.namespace == rsm }) else {
            throw DatahubMappingProblem("the message has no event element", at: root)
        }
        let header = try event.required(rsm, "Header")
        let hdr = DatahubMessageType.header
        let identification = try header.required(hdr, "Identification")
        let identificationText = identification.trimmedText
        guard !identificationText.isEmpty else { throw DatahubMappingProblem("Identification is empty", at: identification) }
        let documentType = try header.required(hdr, "DocumentType")
        guard documentType.trimmedText == type.code else {
            throw DatahubMappingProblem(
                "DocumentType '\(documentType.trimmedText.prefix(8))' does not match the root element \(root.name) (a \(type.code) message)",
                at: documentType)
        }
        let creation = try header.required(hdr, "Creation")
        let recipient = try header.required(hdr, "JuridicalRecipientEnergyParty").required(hdr, "Identification")
        let context = try event.required(rsm, "ProcessEnergyContext")
        let process = try context.required(DatahubMessageType.processContext, "EnergyBusinessProcess")

        self.type = type
        self.root = root
        self.identification = identificationText
        self.process = process.trimmedText
        self.creation = try Self.utc(creation)
        self.juridicalRecipient = recipient.trimmedText
        self.transaction = try event.required(rsm, "Transaction")
    }

    /// A timestamp that must be UTC (reference §10).
    static func utc(_ element: XMLTreeElement) throws(DatahubMappingProblem) -> Date {
        switch DatahubTime.parseUTC(element.trimmedText) {
        case .success(let date): return date
        case .failure(.notUTC(let offset)):
            throw DatahubMappingProblem("\(element.name.local) has offset \(offset); Datahub times must be UTC (Z)", at: element)
        case .failure(.malformed):
            throw DatahubMappingProblem("\(element.name.local) is not a date-time with a time zone", at: element)
        }
    }
}

import Foundation
import LahdeCore
import LahdeXML

/// F04 (contract start, move-in, supplier switch), F06 (contract end, move-out) and F18 (cancellation of
/// a new contract) to a contract record, preceded by a party record for each customer the message names.
///
/// Decisions beyond the reference:
/// - The contract is found by Datahub's contract id (`MasterDataContract/Identification`); a message
///   without one is quarantined, because the same point and customer can have several contracts over time
///   and guessing which one an end or a cancellation means would end the wrong one.
/// - The contract links its customer (`contract_party`, the first `ConsumerInvolvedCustomerParty` with an
///   identification) and its accounting point (`contract_accounting_point`, the GSRN) by their keys; the
///   merge turns the keys into register ids. Co-holders get their party records but no link (the register's
///   contract has one party).
/// - Customers named in F04/F06 become party records of their own (names, birth date, language, F04's
///   restriction, contacts and address), so a move-in of a customer the register has not seen yet creates
///   them before the contract links to them; their keys are checked like F01's.
/// - Validity is the message's `Creation`: a contract message states what is true of the contract when it
///   is sent, and a later message (a cancelled termination) must win over an earlier one even though its
///   dates lie earlier.
/// - Start and end are Finnish calendar days: a start at Finnish midnight is that day; an end at Finnish
///   midnight is exclusive (reference §10: "ending on 31 May" is `2025-05-31T21:00:00Z`), so `ends_on` is the
///   day before.
/// - F06 of a process that cancels a termination (DH-351, DH-352) removes the end and its reason.
enum DatahubContractMapping {
    static func records(_ message: DatahubEnvelope, rawRange: Range<Int64>) throws(DatahubMappingProblem) -> [ObservedRecord] {
        let elm = message.type.elementsNamespace
        let transaction = message.transaction
        let contract = transaction.child(elm, "MasterDataContract")
        guard let contractID = contract?.child(elm, "Identification") else {
            throw DatahubMappingProblem(
                "MasterDataContract/Identification is missing: Lähde finds a contract only by Datahub's contract id", at: contract ?? transaction)
        }
        let key: MatchKey
        do {
            key = try MatchKey.parse(scheme: .datahubContract, contractID.trimmedText)
        } catch {
            throw DatahubMappingProblem("the contract Identification is not usable: \(error.description)", at: contractID)
        }

        var observations: [FieldObservation] = []
        func observe(_ field: String, _ value: String?, _ element: XMLTreeElement) {
            observations.append(FieldObservation(field: field, value: value, locator: element.path))
        }

        guard let point = (transaction.child(elm, "MeteringPointOfContract") ?? contract?.child(elm, "MeteringPointOfContract"))
        else { throw DatahubMappingProblem.missing("MeteringPointOfContract", in: contract ?? transaction) }
        let pointID = try point.required(elm, "Identification")
        let gsrn = try DatahubCustomerMapping.key(.gsrn, pointID, recipient: message.juridicalRecipient)
        observe("contract_accounting_point", "gsrn:\(gsrn.value)", pointID)
        if let type = contract?.child(elm, "ContractType") {
            observe("contract_type", DatahubCodes.named(type.trimmedText, in: DatahubCodes.contractType), type)
        }

        var parties: [ObservedRecord] = []
        let customers = (contract?.children(elm, "ConsumerInvolvedCustomerParty") ?? [])
            .filter { !($0.child(elm, "Identification")?.trimmedText.isEmpty ?? true) }
        for customer in customers {
            parties.append(try DatahubCustomerMapping.party(customer, message: message, validFrom: message.creation, rawRange: rawRange))
        }
        if let first = parties.first?.keys.first, let customer = customers.first {
            observe("contract_party", "\(first.scheme.rawValue):\(first.value)", customer.child(elm, "Identification") ?? customer)
        }

        switch message.type.code {
        case "F04":
            if let start = transaction.child(elm, "StartOfOccurrence") {
                observe("contract_start", DatahubTime.finnishDay(try DatahubEnvelope.utc(start), endExclusive: false), start)
            }
            if let end = transaction.child(elm, "EndOfOccurrence") {
                observe("contract_end", DatahubTime.finnishDay(try DatahubEnvelope.utc(end), endExclusive: true), end)
            }
            if let reason = transaction.child(elm, "ContractReason") {
                observe("contract_start_reason", DatahubCodes.named(reason.trimmedText, in: DatahubCodes.contractReason), reason)
            }
        case "F06":
            let end = try transaction.required(elm, "EndOfOccurrence")
            let reason = try transaction.required(elm, "Reason")
            let endDay = DatahubTime.finnishDay(try DatahubEnvelope.utc(end), endExclusive: true)
            if message.process.hasPrefix("DH-351") || message.process.hasPrefix("DH-352") {
                observe("contract_end", nil, end)
                observe("contract_end_reason", nil, reason)
            } else {
                observe("contract_end", endDay, end)
                observe("contract_end_reason", DatahubCodes.named(reason.trimmedText, in: DatahubCodes.endReason), reason)
            }
        case "F18":
            let reason = try transaction.required(elm, "ReasonForCancel")
            observe("contract_cancelled", "true", reason)
            observe("contract_cancel_reason", DatahubCodes.named(reason.trimmedText, in: DatahubCodes.cancelReason), reason)
        default:
            throw DatahubMappingProblem("\(message.type.code) contract messages are not mapped", at: transaction)
        }
        let record = ObservedRecord(
            entityKind: .contract, keys: [key], validFrom: message.creation, locator: message.locator, rawRange: rawRange,
            observations: observations)
        return parties + [record]
    }
}

import Foundation
import LahdeCore
import LahdeXML

/// E58 (accounting point master data event) to one accounting-point record.
///
/// The address is the main one (`AF01`), its Finnish version when there are several languages. Status
/// and type are named (`connected`, `consumption`) with unknown codes kept raw. A deletion (DH-123) that
/// does not state a status is recorded as `deleted`, so the register does not keep calling the point
/// connected. Only elements present are observed; that E58 is a full snapshot (reference §5) is not used
/// to clear fields yet.
enum DatahubAccountingPointMapping {
    static func record(_ message: DatahubEnvelope, rawRange: Range<Int64>) throws(DatahubMappingProblem) -> ObservedRecord {
        let elm = message.type.elementsNamespace
        let transaction = message.transaction
        let validFrom = try DatahubEnvelope.utc(try transaction.required(elm, "StartOfOccurrence"))
        let point = try transaction.required(elm, "MeteringPointUsedDomainLocation")
        let identification = try point.required(elm, "Identification")
        let gsrn = try DatahubCustomerMapping.key(.gsrn, identification, recipient: message.juridicalRecipient)

        var observations: [FieldObservation] = []
        func observe(_ field: String, _ value: String?, _ element: XMLTreeElement) {
            guard let value, !value.isEmpty else { return }
            observations.append(FieldObservation(field: field, value: value, locator: element.path))
        }
        let area = try point.required(elm, "MeteringGridAreaUsedDomainLocation").required(elm, "Identification")
        do {
            _ = try EICCode.parse(area.trimmedText)
        } catch {
            throw DatahubMappingProblem("the metering grid area is not a valid EIC code: \(error.description)", at: area)
        }
        observe("grid_area", area.trimmedText, area)
        if let status = point.child(elm, "PhysicalStatusType") {
            observe("status", DatahubCodes.named(status.trimmedText, in: DatahubCodes.physicalStatus), status)
        } else if message.process.hasPrefix("DH-123") {
            observe("status", "deleted", point)
        }
        if let type = point.child(elm, "MeteringPointType") {
            observe("point_type", DatahubCodes.named(type.trimmedText, in: DatahubCodes.pointType), type)
        }
        let addresses = point.children(elm, "MeteringPointAddress")
        let main = addresses.filter { $0.child(elm, "Type")?.trimmedText == "AF01" }
        if let address = main.first(where: { ($0.child(elm, "Language")?.trimmedText ?? "fi") == "fi" }) ?? main.first {
            func text(_ local: String) -> String? {
                guard let value = address.child(elm, local)?.trimmedText, !value.isEmpty else { return nil }
                return value
            }
            let street = [text("StreetName"), text("BuildingNumber"), text("FloorIdentification"), text("RoomIdentification")]
                .compactMap { $0 }.joined(separator: " ")
            observe("street", street, address.child(elm, "StreetName") ?? address)
            let country = text("CountryCode") ?? "FI"
            if country == "FI" || country == "AX", let postcode = address.child(elm, "Postcode") {
                observe("postal_code", postcode.trimmedText, postcode)
            }
            if let city = address.child(elm, "CityName") { observe("city", city.trimmedText, city) }
        }
        return ObservedRecord(
            entityKind: .accountingPoint, keys: [gsrn], validFrom: validFrom, locator: message.locator, rawRange: rawRange,
            observations: observations)
    }
}

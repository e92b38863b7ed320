import Foundation

/// Datahub's message queue (reference §1): `peekMessage` returns the oldest message waiting for the party
/// and leaves it in the queue; `dequeueMessage` with its `DocumentReferenceNumber` removes it. Datahub
/// never pushes. The caller stores and imports a peeked message and dequeues it only after that committed.
public struct DatahubQueueClient: Sendable {
    /// One peeked message: the exact response bytes (the SOAP envelope around the payload, which the
    /// `datahub` connector reads as is) and the reference to dequeue it by.
    public struct Peeked: Sendable {
        public var documentReference: String
        public var response: [UInt8]
    }

    static let soapNamespace = "http://www.w3.org/2003/05/soap-envelope"
    static let b2bNamespace = "urn:cms:b2b:v01"

    public let exchange: SOAPExchange

    public init(endpoint: SOAPExchange.Endpoint) {
        exchange = SOAPExchange(endpoint: endpoint)
    }

    /// The oldest waiting message, or `nil` when the queue is empty (no `MessageContainer`).
    public func peek() throws(DatahubQueueError) -> Peeked? {
        let body = try call("peekMessage", "<b2b:PeekMessageRequest/>")
        guard Self.containsElement("MessageContainer", in: body) else { return nil }
        guard let reference = Self.text(of: "DocumentReferenceNumber", in: body), !reference.isEmpty, reference.count <= 36,
            reference.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != "&" })
        else { throw DatahubQueueError("the peek response holds a message without a usable DocumentReferenceNumber") }
        return Peeked(documentReference: reference, response: body)
    }

    /// Removes a peeked message from the queue.
    public func dequeue(_ documentReference: String) throws(DatahubQueueError) {
        _ = try call(
            "dequeueMessage",
            "<b2b:DequeueMessageRequest><b2b:DocumentReferenceNumber>\(documentReference)</b2b:DocumentReferenceNumber></b2b:DequeueMessageRequest>")
    }

    private func call(_ operation: String, _ request: String) throws(DatahubQueueError) -> [UInt8] {
        let envelope = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soap:Envelope xmlns:soap="\(Self.soapNamespace)" xmlns:b2b="\(Self.b2bNamespace)"><soap:Header/><soap:Body>\(request)</soap:Body></soap:Envelope>
            """
        let response: SOAPExchange.Response
        do {
            response = try exchange.post(action: "urn:cms:b2b:service:v01/\(operation)", envelope: envelope)
        } catch {
            throw DatahubQueueError(error.description)
        }
        guard response.status == 200 else {
            let fault = Self.text(of: "ErrorCode", in: response.body).map { ", fault \($0)" } ?? ""
            let reason = Self.text(of: "Text", in: response.body).map { ": \($0.prefix(200))" } ?? ""
            throw DatahubQueueError("\(operation) answered HTTP \(response.status)\(fault)\(reason)")
        }
        return response.body
    }

    /// Whether an element with this local name (any prefix) starts in `bytes`. A scan rather than a parse:
    /// the response is archived and then parsed — and validated — by the connector; here only the
    /// reference to dequeue by is needed.
    static func containsElement(_ local: String, in bytes: [UInt8]) -> Bool {
        startTagEnd(local, in: bytes) != nil
    }

    /// The text of the first element with this local name, trimmed; `nil` when absent.
    static func text(of local: String, in bytes: [UInt8]) -> String? {
        guard let start = startTagEnd(local, in: bytes) else { return nil }
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "<")) else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where the content of the first `<…local …>` start tag begins (after its `>`); self-closing tags
    /// have no content and are reported by `containsElement` only.
    private static func startTagEnd(_ local: String, in bytes: [UInt8]) -> Int? {
        let name = Array(local.utf8)
        var index = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            var nameStart = open + 1
            var nameEnd = nameStart
            while nameEnd < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[nameEnd]) {
                if bytes[nameEnd] == UInt8(ascii: ":") { nameStart = nameEnd + 1 }
                nameEnd += 1
            }
            if open + 1 < bytes.count, bytes[open + 1] != UInt8(ascii: "/"), bytes[nameStart..<nameEnd].elementsEqual(name),
                let close = bytes[nameEnd...].firstIndex(of: UInt8(ascii: ">"))
            {
                return close + 1
            }
            index = open + 1
        }
        return nil
    }
}

/// A queue call that failed; says which operation and why, never the organisation user.
public struct DatahubQueueError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

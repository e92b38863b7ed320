import LahdeStore

/// What a Datahub file held, beyond the records handed to the loader.
///
/// Acknowledgements are recorded here and not as records: an ACK says how Datahub judged one of the
/// utility's own messages and changes nothing in the register, and a record without keys would be
/// quarantined by the loader.
public struct DatahubReadSummary: Sendable, Equatable {
    /// Datahub messages found, of every type.
    public var messages = 0
    /// Messages per `DocumentType` code (by namespace), e.g. `["F01": 2, "ACK": 1]`.
    public var byType: [String: Int] = [:]
    /// ACK messages, with the acknowledged message id and its `ReasonCode` (`BA01` accepted, `BA02` rejected).
    public var acknowledgements: [Acknowledgement] = []
    /// Messages (or unreadable parts of the file) handed over as rejected.
    public var rejected = 0

    public struct Acknowledgement: Sendable, Equatable {
        public var messageID: String
        public var acknowledges: String?
        public var reasonCode: String?
        /// `pec:EnergyBusinessProcess`: the acknowledged message's process.
        public var process: String?
        /// `EventReasonCode: EventReasonText` of each `EventReason` (Datahub's validation findings).
        public var eventReasons: [String]

        public init(messageID: String, acknowledges: String?, reasonCode: String?, process: String? = nil, eventReasons: [String] = []) {
            self.messageID = messageID
            self.acknowledges = acknowledges
            self.reasonCode = reasonCode
            self.process = process
            self.eventReasons = eventReasons
        }
    }

    public init() {}
}

extension DatahubReadSummary {
    /// The acknowledgements as the ledger keeps them.
    public var acknowledgementLog: [AcknowledgementLog.Entry] {
        acknowledgements.map {
            AcknowledgementLog.Entry(
                messageID: $0.messageID, acknowledges: $0.acknowledges, process: $0.process, reasonCode: $0.reasonCode,
                eventReasons: $0.eventReasons)
        }
    }
}

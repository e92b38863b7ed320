/// The fixed positions of the legacy change file's data groups (offsets include the 4-byte group header).
///
/// Only the groups the register interprets have a length and date positions here: a group of one of
/// those codes whose length differs is refused, since every field after a shifted byte would be read
/// from the wrong place (a UTF-8 `ä` in a file declared ISO-8859-1 shifts them by one). The other known
/// codes (citizenship, guardianship, occupation, the refining groups …) are accepted as they come.
public enum VTJLegacyLayout {
    public struct Group: Sendable {
        /// The exact length of the group, header included, without its `|`.
        public let length: Int
        /// Offsets of `yyyymmdd` fields, checked when the line is read.
        public let dateOffsets: [Int]
    }

    /// Groups with a fixed layout that readers interpret.
    public static let interpreted: [UInt16: Group] = [
        1: Group(length: 16, dateOffsets: []),  // hetu (11) @4, active flag @15
        2: Group(length: 6, dateOffsets: []),  // mother tongue (2) @4
        3: Group(length: 5, dateOffsets: []),  // sex @4
        4: Group(length: 213, dateOffsets: [204]),  // surname (100) @4, first names (100) @104, date @204, flag @212
        5: Group(length: 123, dateOffsets: [106, 114]),  // name (100) @4, type (2) @104, start @106, end @114, flag @122
        13: Group(length: 12, dateOffsets: [4]),  // date of death @4
        15: Group(length: 12, dateOffsets: [4]),  // turvakielto end date @4
        101: Group(length: 237, dateOffsets: [221, 229]),  // permanent domestic address
        102: Group(length: 237, dateOffsets: [221, 229]),  // temporary domestic address
        103: Group(length: 125, dateOffsets: [109, 117]),  // postal address
        104: Group(length: 183, dateOffsets: [167, 175]),  // permanent address abroad
        105: Group(length: 183, dateOffsets: [167, 175]),  // temporary address abroad
        204: Group(length: 15, dateOffsets: [7]),  // home municipality (3) @4, moved in @7
        421: Group(length: 277, dateOffsets: [261, 269]),  // e-mail type (2) @4, address (255) @6, start @261, end @269
    ]

    /// Codes the register defines that readers pass through uninterpreted.
    public static let passedThrough: Set<UInt16> = [
        7, 8, 9, 305, 306, 307, 316, 317, 320, 401, 422, 423, 451, 452,
    ]

    public static func isKnown(_ code: UInt16) -> Bool { interpreted[code] != nil || passedThrough.contains(code) }

    /// What the reader needs per code, indexed by the code itself: one array load per group instead of
    /// two hash lookups, which the parse rate (150 MB/s) notices.
    enum Lookup: Sendable {
        case unknown
        case passedThrough
        case interpreted(Group)
    }

    static let byCode: [Lookup] = (0..<1000).map { code in
        if let group = interpreted[UInt16(code)] { return .interpreted(group) }
        return passedThrough.contains(UInt16(code)) ? .passedThrough : .unknown
    }

    /// The length of the identification part (hetu, event, registration date, flag, role, group count).
    public static let identificationLength = 26
}

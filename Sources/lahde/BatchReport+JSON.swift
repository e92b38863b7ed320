import LahdeStore

extension BatchReport.Counts {
    /// The `counts` object of `lahde import --json` and `lahde batches --json`: one place for a contract
    /// other tools rely on.
    var jsonObject: [String: Int] {
        [
            "read": read, "applied": applied, "unchanged": unchanged, "superseded": superseded,
            "quarantined": quarantined, "suppressed": suppressed,
        ]
    }
}

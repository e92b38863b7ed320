internal import CLibPQ

/// Facts about the libpq that Lähde is linked against.
public enum PostgresLibrary {
    /// e.g. `15.18`.
    public static var version: String {
        let number = Int(PQlibVersion())
        return "\(number / 10000).\(number % 10000)"
    }
}

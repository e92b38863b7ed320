internal import CCurl

/// Facts about the libcurl that Lähde is linked against.
///
/// Feeds are fetched over HTTPS (with client certificates), SFTP and `file://` through libcurl; which of
/// those protocols and which TLS library this build has is what an operator needs to know first when a
/// fetch fails.
public enum CurlLibrary {
    /// e.g. `libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 … libssh2/1.10.0`.
    public static var version: String {
        guard let text = curl_version() else { return "unknown" }
        return String(cString: text)
    }

    /// The protocols this libcurl speaks (`https`, `sftp`, `file`, …): a build without `sftp` cannot run
    /// SFTP jobs, and says so here rather than at 2 a.m. (`protocols` is in the first version of the info
    /// struct, so asking for that version is enough.)
    public static var protocols: Set<String> {
        guard let info = curl_version_info(CURLVERSION_FIRST), var list = info.pointee.protocols else { return [] }
        var names = Set<String>()
        while let name = list.pointee {
            names.insert(String(cString: name))
            list += 1
        }
        return names
    }
}

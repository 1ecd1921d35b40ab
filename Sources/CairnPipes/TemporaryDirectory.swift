import Foundation

/// A directory of its own under the system's temporary directory, readable only by this user,
/// for the files of one external process.
struct TemporaryDirectory {
    /// Its path.
    let path: String

    /// Creates the directory.
    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/cairn-pipes-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Removes it and what it holds.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

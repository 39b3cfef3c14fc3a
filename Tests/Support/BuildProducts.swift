import Foundation

/// The build folder the tests run from (`.build/<triple>/debug`), holding `recur`, the shared
/// `libRecurKit.so` and the test plugin `libRecurTestPlugin.so`, and the checkout above it.
public enum BuildProducts {
    public static let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    public static var recur: URL { directory.appendingPathComponent("recur") }
    public static var testPlugin: URL { directory.appendingPathComponent("libRecurTestPlugin.so") }

    /// The Recur checkout (the folder that holds `Package.swift`).
    public static let checkout = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh empty temporary folder.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Copies of the test plugin under `names` (the name picks its behaviour, see
    /// Tests/PluginFixture) in a fresh folder.
    public static func pluginCopies(_ names: [String]) throws -> URL {
        let folder = try temporaryDirectory("plugins")
        for name in names {
            try FileManager.default.copyItem(at: testPlugin, to: folder.appendingPathComponent(name))
        }
        return folder
    }

    /// The path of the C library this process runs on: a real shared library without Recur's
    /// entry point (dlopen of a link to it returns the copy already loaded, so nothing new loads).
    public static func libcPath() throws -> String {
        let maps = String(decoding: FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        for line in maps.split(separator: "\n") {
            if let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.hasSuffix("/libc.so.6") {
                return String(path)
            }
        }
        throw CocoaError(.fileNoSuchFile)
    }
}

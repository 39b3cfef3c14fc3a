import ArgumentParser
import Foundation

struct PluginBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build a plugin package (swift build) so recur loads it.",
        discussion: "Same as `swift build -c CONFIGURATION` inside DIR/NAME (or the package folder PATH), then records the package in the workspace's plugin list so that every later recur loads it. The default configuration is this recur's own, which is the one it loads first.")

    enum Configuration: String, ExpressibleByArgument { case debug, release }

    @Argument(help: "The plugin package's folder name in --dir, or the path of its folder.") var name: String
    @OptionGroup var folder: PluginFolderOption
    @Option(name: [.customShort("c"), .long], help: "debug or release (default: this recur's).")
    var configuration: Configuration = hostConfiguration

    static var hostConfiguration: Configuration {
        #if DEBUG
        .debug
        #else
        .release
        #endif
    }

    func run() throws {
        var package = URL(fileURLWithPath: "/")
        try reportingErrors {
            package = try folder.package(named: name)
            guard FileManager.default.fileExists(atPath: package.appendingPathComponent("Package.swift").path) else {
                throw UserError("\(displayPath(package.path))/Package.swift: no plugin package there (make one with `recur plugin new cell \(name)`)")
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build", "-c", configuration.rawValue]
        process.currentDirectoryURL = package
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("recur: building \(displayPath(package.path)) failed (swift build exited \(process.terminationStatus))\n".utf8))
            throw ExitCode(1)
        }
        // The checkout's own plugins/ is always searched; only packages elsewhere need the list.
        if let root = RecurCheckout.root, package.deletingLastPathComponent().resolvingSymlinksInPath().path
            == root.appendingPathComponent("plugins").resolvingSymlinksInPath().path {
            print("built \(package.path) (\(configuration.rawValue)); it is in this checkout's plugins/, so `recur list` shows it")
            return
        }
        try reportingErrors {
            var list = try PluginList.read()
            list.record(name: package.lastPathComponent, package: package)
            try list.write()
        }
        print("built \(package.path) (\(configuration.rawValue)) and recorded it in \(PluginList.url.path); `recur list` shows it")
    }
}

/// Why a bundle was refused. Every message names the bundle and, where there is one, the member.
public struct BundleError: Error, CustomStringConvertible, Equatable {
    public let source: String
    public let message: String
    public init(_ source: String, _ message: String) { self.source = source; self.message = message }
    public var description: String { "\(source): \(message)" }
}

import Foundation

/// The few fields of TensorFlow's `Event` protobuf (tensorflow/core/util/event.proto) that a
/// scalar event file needs, encoded by hand:
///
///     Event         { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
///     Summary       { repeated Value value = 1; }
///     Summary.Value { string tag = 1; oneof value { float simple_value = 2; } }
///
/// Hand-written rather than generated with swift-protobuf: these six fields are the whole of
/// what is written, and generating them would mean building protoc-gen-swift (about ten minutes
/// here) and linking the protobuf runtime into every build for some 40 lines of wire format.
/// The tests compare the bytes with those of the `tensorboard` Python package, and
/// scripts/check-tensorboard.sh reads a real run's file back with TensorBoard's own loader.
public struct TensorBoardEvent: Equatable, Sendable {
    public var wallTime: Double
    public var step: Int64
    public var content: Content

    public enum Content: Equatable, Sendable {
        /// The first event of every file: `brain.Event:2`.
        case fileVersion(String)
        /// Scalars at this step, by tag.
        case scalars([(tag: String, value: Float)])

        public static func == (a: Content, b: Content) -> Bool {
            switch (a, b) {
            case let (.fileVersion(x), .fileVersion(y)): x == y
            case let (.scalars(x), .scalars(y)): x.count == y.count && zip(x, y).allSatisfy { $0.tag == $1.tag && $0.value == $1.value }
            default: false
            }
        }
    }

    public init(wallTime: Double, step: Int64, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The serialized protobuf message, byte for byte as protobuf's own serializer writes it
    /// (fields in number order, a zero `wall_time` or `step` left out as proto3 leaves defaults out).
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        if wallTime.bitPattern != 0 { out += [0x09] + TFRecord.littleEndian(wallTime.bitPattern) }  // field 1, fixed64
        if step != 0 { out += [0x10] + Self.varint(UInt64(bitPattern: step)) }                       // field 2, varint
        switch content {
        case .fileVersion(let version):
            out += [0x1A] + Self.lengthDelimited(Array(version.utf8))             // field 3, bytes
        case .scalars(let scalars):
            var summary: [UInt8] = []
            for (tag, value) in scalars {
                let entry = [0x0A] + Self.lengthDelimited(Array(tag.utf8))        // Value.tag = 1
                    + [0x15] + TFRecord.littleEndian(value.bitPattern)               // Value.simple_value = 2, fixed32
                summary += [0x0A] + Self.lengthDelimited(entry)                    // Summary.value = 1
            }
            out += [0x2A] + Self.lengthDelimited(summary)                          // field 5, Summary
        }
        return out
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }

    static func lengthDelimited(_ bytes: [UInt8]) -> [UInt8] { varint(UInt64(bytes.count)) + bytes }
}

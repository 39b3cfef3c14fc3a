import Foundation

/// Hears every line a run appends to its `log.jsonl`, as it is written: what mirrors the curves
/// elsewhere (TensorBoard event files) while training runs. Attach listeners to the
/// ``RunDirectory`` the trainer writes through.
public protocol RunLogListener: AnyObject, Sendable {
    /// `fields` are the line's numeric fields, `step` among them. An error stops the writer of
    /// the log as a failed log write would.
    func logged(_ fields: [String: Double]) throws
}

/// The numeric fields of a log line as the trainer builds it (`Int`, `Double`, `Float`, …);
/// booleans and text are left out, as ``RunLog`` leaves them out of its numbers.
func logNumbers(_ line: [String: Any]) -> [String: Double] {
    line.compactMapValues { value -> Double? in
        switch value {
        case is Bool: nil
        case let v as Double: v
        case let v as Float: Double(v)
        case let v as Int: Double(v)
        case let v as any BinaryInteger: Double(v)
        case let v as NSNumber where String(cString: v.objCType) != "c": v.doubleValue
        default: nil
        }
    }
}

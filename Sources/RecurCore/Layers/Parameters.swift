/// A named trainable tensor; names are flat and dotted (`decoder.weight`, `rnn.weight_ih_l0`),
/// the keys PyTorch's `state_dict` uses.
///
/// Tied weights (one `Variable` under two names, as `decoder.weight` = `encoder.weight` in
/// word_language_model's `--tied`) are listed under each name, as PyTorch's `state_dict` holds
/// both keys; ``distinctParameters(_:)`` lists each variable once for training.
public typealias NamedParameter = (name: String, variable: Variable)

/// Each variable once, under its first name: what an optimizer steps and what clipping and
/// parameter counts see (PyTorch's `named_parameters()`, which also skips repeats). A tied
/// weight's gradient already holds the sum over its uses, so a second entry would step it twice.
public func distinctParameters(_ parameters: [NamedParameter]) -> [NamedParameter] {
    var seen = Set<ObjectIdentifier>()
    return parameters.filter { seen.insert(ObjectIdentifier($0.variable)).inserted }
}

/// Anything that owns parameters.
public protocol ParameterOwner: AnyObject {
    /// Every parameter, in a stable order, under its local name.
    var namedParameters: [NamedParameter] { get }
}

extension ParameterOwner {
    /// Parameters with `prefix.` prepended to each name.
    public func namedParameters(prefix: String) -> [NamedParameter] {
        namedParameters.map { (prefix.isEmpty ? $0.name : "\(prefix).\($0.name)", $0.variable) }
    }

    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.variable.value.count } }
}

/// A new leaf that requires gradients.
public func parameter(_ value: Tensor, _ label: String) -> Variable {
    Variable(value, requiresGrad: true, label: label)
}

/// Errors met when putting saved values into parameters.
public enum ParameterLoadError: Error, CustomStringConvertible, Equatable {
    case missing([String])
    case unexpected([String])
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Two names of one tied weight hold different values in the file.
    case tiedMismatch(name: String, tiedTo: String)

    public var description: String {
        switch self {
        case .tiedMismatch(let name, let tiedTo): "parameters \(name) and \(tiedTo) are one tied weight in this model but differ in the saved values"
        case .missing(let names): "missing parameters: \(names.joined(separator: ", "))"
        case .unexpected(let names): "unexpected parameters: \(names.joined(separator: ", "))"
        case .shapeMismatch(let name, let expected, let found): "parameter \(name) has shape \(found), expected \(expected)"
        }
    }
}

/// Strict loading: every parameter must be present with its exact shape, and nothing extra; the
/// names of a tied weight must hold equal values.
public func load(_ values: [String: Tensor], into parameters: [NamedParameter]) throws {
    let names = Set(parameters.map(\.name))
    let missing = parameters.map(\.name).filter { values[$0] == nil }
    if !missing.isEmpty { throw ParameterLoadError.missing(missing) }
    let extra = values.keys.filter { !names.contains($0) }.sorted()
    if !extra.isEmpty { throw ParameterLoadError.unexpected(extra) }
    for (name, variable) in parameters where values[name]!.shape != variable.shape {
        throw ParameterLoadError.shapeMismatch(name: name, expected: variable.shape, found: values[name]!.shape)
    }
    var firstName: [ObjectIdentifier: String] = [:]
    for (name, variable) in parameters {
        let key = ObjectIdentifier(variable)
        guard let first = firstName[key] else { firstName[key] = name; continue }
        guard values[name]!.scalars == values[first]!.scalars else { throw ParameterLoadError.tiedMismatch(name: name, tiedTo: first) }
    }
    for (name, variable) in parameters { variable.assign(values[name]!) }
}

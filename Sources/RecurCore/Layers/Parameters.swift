/// A named trainable tensor; names are flat and dotted (`decoder.weight`, `rnn.weight_ih_l0`),
/// the keys PyTorch's `state_dict` uses.
public typealias NamedParameter = (name: String, variable: Variable)

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

    public var description: String {
        switch self {
        case .missing(let names): "missing parameters: \(names.joined(separator: ", "))"
        case .unexpected(let names): "unexpected parameters: \(names.joined(separator: ", "))"
        case .shapeMismatch(let name, let expected, let found): "parameter \(name) has shape \(found), expected \(expected)"
        }
    }
}

/// Strict loading: every parameter must be present with its exact shape, and nothing extra.
public func load(_ values: [String: Tensor], into parameters: [NamedParameter]) throws {
    let names = Set(parameters.map(\.name))
    let missing = parameters.map(\.name).filter { values[$0] == nil }
    if !missing.isEmpty { throw ParameterLoadError.missing(missing) }
    let extra = values.keys.filter { !names.contains($0) }.sorted()
    if !extra.isEmpty { throw ParameterLoadError.unexpected(extra) }
    for (name, variable) in parameters where values[name]!.shape != variable.shape {
        throw ParameterLoadError.shapeMismatch(name: name, expected: variable.shape, found: values[name]!.shape)
    }
    for (name, variable) in parameters { variable.assign(values[name]!) }
}

import RecurKit

/// The classes and the train/validation split of a labelled set.
///
/// Labels are the distinct training labels in code-point order (Python's `sorted`), so a folder's
/// classes get the indices docs/recipes.md, classification gives them. Without a separate validation set, the k-th
/// example of each class (k from 0, in reading order) is validation when k % 10 == 0.
public struct ClassificationData: Sendable {
    public let labels: [String]
    public let train: [LabelledText]
    public let validation: [LabelledText]

    /// Splits `examples` every 10th per class, or uses all of them for training when
    /// `validation` is given.
    public init(examples: [LabelledText], validation given: [LabelledText]? = nil, source: String) throws {
        if let given {
            train = examples
            validation = given
        } else {
            (train, validation) = LabelledExamples.split(examples)
        }
        let everyLabel = Set(examples.map(\.label)).union((given ?? []).map(\.label))
        let trained = Set(train.map(\.label))
        for label in everyLabel.sorted(by: codePointLess) where !trained.contains(label) {
            if given != nil, !examples.contains(where: { $0.label == label }) {
                let place = given!.first { $0.label == label }!.place
                throw DataFileError(file: place, "class '\(label)' has no examples in the training data \(source); every validation class must be trained")
            }
            throw DataFileError(file: source, "class '\(label)' has no training examples: its only example goes to validation (every 10th example per class, the first included); give it at least 2 examples or pass --valid FILE")
        }
        guard trained.count >= 2 else {
            throw DataFileError(file: source, "only one class ('\(trained.first ?? "")'); a classifier needs at least 2")
        }
        labels = trained.sorted(by: codePointLess)
    }
}

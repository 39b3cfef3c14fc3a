import Foundation

/// Questions about a list of images: what the VQA task reads from a user's folder.
public struct VisualQuestionSet: Sendable, Equatable {
    /// Each image's name as first written in `questions.tsv`, parallel to ``images``.
    public var imageNames: [String]
    /// `[3, height, width]` each, in order of first mention.
    public var images: [Image]
    /// ``VisualQuestion/image`` indexes ``images``.
    public var questions: [VisualQuestion]

    public init(imageNames: [String], images: [Image], questions: [VisualQuestion]) {
        precondition(imageNames.count == images.count, "VisualQuestionSet: \(imageNames.count) names for \(images.count) images")
        self.imageNames = imageNames
        self.images = images
        self.questions = questions
    }

    /// The questions of a user's folder: PNG files and a `questions.tsv` of
    /// `image<TAB>question<TAB>answer[<TAB>kind]` lines.
    ///
    /// Question and answer are ``CaptionText/normalized(_:)`` (`"What colour is it?"` →
    /// `what colour is it`); the kind is kept as written, `other` when the column is absent or
    /// empty. Each image is read once and resized to `[3, height, width]`. A wrong column count,
    /// an empty question or answer, or an image that is unknown, outside the folder or not a
    /// readable PNG stops the reading with the file and line named.
    public static func readFolder(_ folder: URL, height: Int, width: Int) throws -> VisualQuestionSet {
        var images = try ImageFolder(folder, height: height, width: width)
        let layout = "image<TAB>question<TAB>answer, optionally <TAB>question type"
        let rows = try TabSeparatedRow.read(images.table("questions.tsv", layout: layout), columns: 3...4, layout: layout)
        var questions: [VisualQuestion] = []
        for row in rows {
            let question = CaptionText.normalized(row.fields[1]), answer = CaptionText.normalized(row.fields[2])
            guard !question.isEmpty else { throw DataFileError(file: row.place, "the question (second column) is empty") }
            guard !answer.isEmpty else { throw DataFileError(file: row.place, "the answer (third column) is empty") }
            let kind = row.fields.count == 4 && !row.fields[3].isEmpty ? row.fields[3] : "other"
            let image = try images.index(of: row.fields[0], at: row.place)
            questions.append(VisualQuestion(image: image, question: question, answer: answer, kind: kind))
        }
        return VisualQuestionSet(imageNames: images.names, images: images.images, questions: questions)
    }
}

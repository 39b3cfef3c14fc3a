/// An image with the sentences that describe it (captioning's unit of data). Every caption is a
/// reference: BLEU is scored against all of them, exact match against any.
public struct CaptionedImage: Sendable, Equatable {
    /// Where it came from, for messages and reports (a file name, or `train-000042` when generated).
    public var name: String
    public var image: Image
    /// Lower-case words separated by single spaces.
    public var captions: [String]

    public init(name: String, image: Image, captions: [String]) {
        self.name = name
        self.image = image
        self.captions = captions
    }
}

/// A question about an image with its one-word answer (VQA's unit of data).
public struct VisualQuestion: Sendable, Equatable {
    /// Index into the image list the question belongs with.
    public var image: Int
    public var question: String
    public var answer: String
    /// The question's type (`colour`, `shape`, `count`, `exists`, `relation`), for accuracy per
    /// type; `other` for user data that does not say.
    public var kind: String

    public init(image: Int, question: String, answer: String, kind: String) {
        self.image = image
        self.question = question
        self.answer = answer
        self.kind = kind
    }
}

/// A short sequence of frames with what happens in it (video tasks' unit of data).
public struct Clip: Sendable, Equatable {
    public var name: String
    /// Frames in time order, all of one size.
    public var frames: [Image]
    /// References for the clip as a whole ("the red circle moves left").
    public var captions: [String]
    /// One label per frame: what is happening at that moment (`still`, `moving-left`, …).
    public var frameLabels: [String]

    public init(name: String, frames: [Image], captions: [String], frameLabels: [String]) {
        self.name = name
        self.frames = frames
        self.captions = captions
        self.frameLabels = frameLabels
    }
}

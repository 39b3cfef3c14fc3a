import Foundation
import RecurKit

/// Questions with their images, made on demand for generated scenes.
struct QuestionSet {
    let name: String
    let questions: [VisualQuestion]
    let imageNames: [String]
    let image: @Sendable (Int) -> Image

    var count: Int { questions.count }
}

/// The VQA data: training questions and the sets evaluation reports (`val`; for the shapes
/// world also `heldout`, scenes with colour–shape pairs training never shows).
struct QuestionCorpus {
    let train: QuestionSet
    let evaluation: [QuestionSet]

    static func load(config: RunConfig, options: VQAOptions) throws -> QuestionCorpus {
        let size = options.imageSize
        if let data = config.data {
            let all = try VisualQuestionSet.readFolder(URL(fileURLWithPath: data), height: size, width: size)
            if !options.valid.isEmpty {
                let valid = try VisualQuestionSet.readFolder(URL(fileURLWithPath: options.valid), height: size, width: size)
                return QuestionCorpus(train: set("train", all, all.questions), evaluation: [set("val", valid, valid.questions)])
            }
            // Every 10th image's questions are held out, so no image is in both sets.
            let (held, kept) = (all.questions.filter { $0.image % 10 == 9 }, all.questions.filter { $0.image % 10 != 9 })
            guard !kept.isEmpty, !held.isEmpty else {
                throw DataFileError(file: data, "too few images to hold every 10th out for validation (\(all.images.count)); give --valid FOLDER")
            }
            return QuestionCorpus(train: set("train", all, kept), evaluation: [set("val", all, held)])
        }
        let world = ShapesWorld(seed: UInt64(options.worldSeed), imageSize: size)
        return QuestionCorpus(train: generated(world, .train, options.images, "train"),
                              evaluation: [generated(world, .validation, options.validImages, "val"),
                                           generated(world, .heldout, options.validImages, "heldout")])
    }

    static func set(_ name: String, _ source: VisualQuestionSet, _ questions: [VisualQuestion]) -> QuestionSet {
        let images = source.images
        return QuestionSet(name: name, questions: questions, imageNames: source.imageNames, image: { images[$0] })
    }

    static func generated(_ world: ShapesWorld, _ split: ShapesWorld.Split, _ count: Int, _ name: String) -> QuestionSet {
        let (scenes, questions) = world.questionScenes(split, count: count), size = world.imageSize
        return QuestionSet(name: name, questions: questions, imageNames: scenes.indices.map { ShapesWorld.name(split, $0) },
                           image: { scenes[$0].render(size: size) })
    }
}

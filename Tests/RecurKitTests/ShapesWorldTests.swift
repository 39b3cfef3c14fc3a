import XCTest
@testable import RecurKit

final class ShapesWorldTests: XCTestCase {
    func testSameSeedSameDataOtherSeedOtherData() {
        let a = ShapesWorld(seed: 7), b = ShapesWorld(seed: 7), c = ShapesWorld(seed: 8)
        XCTAssertEqual(a.captionedImages(.train, count: 20), b.captionedImages(.train, count: 20))
        XCTAssertNotEqual(a.scenes(.train, count: 20), c.scenes(.train, count: 20))
        XCTAssertEqual(a.questions(.validation, count: 10).questions, b.questions(.validation, count: 10).questions)
        XCTAssertEqual(a.clips(.train, count: 5), b.clips(.train, count: 5))
        // Splits are separate streams: validation is not a continuation of train.
        XCTAssertNotEqual(a.scenes(.train, count: 5), a.scenes(.validation, count: 5))
        // Drawing more of a split keeps its beginning.
        XCTAssertEqual(Array(a.scenes(.train, count: 30).prefix(10)), a.scenes(.train, count: 10))
    }

    func testHeldOutPairsOnlyInTheHeldOutSplit() {
        let world = ShapesWorld(seed: 1)
        for split in [ShapesWorld.Split.train, .validation] {
            for scene in world.scenes(split, count: 300) {
                XCTAssertFalse(scene.objects.contains { ShapesWorld.isHeldOut($0.colour, $0.kind) }, "\(split)")
            }
            for question in world.questions(split, count: 200).questions {
                for (colour, kind) in ShapesWorld.heldOutCombinations {
                    XCTAssertFalse(question.question.contains("\(colour.rawValue) \(kind.rawValue)"), question.question)
                }
            }
        }
        for scene in world.scenes(.heldout, count: 300) {
            XCTAssertTrue(scene.objects.contains { ShapesWorld.isHeldOut($0.colour, $0.kind) })
        }
        for clip in world.clips(.heldout, count: 50) {
            XCTAssertTrue(ShapesWorld.heldOutCombinations.contains { clip.captions[0].hasPrefix("the \($0.colour.rawValue) \($0.kind.rawValue) ") },
                          clip.captions[0])
        }
    }

    func testScenesAreOneToFourSeparateObjectsInsideTheImage() {
        var counts = Set<Int>()
        for scene in ShapesWorld(seed: 2).scenes(.train, count: 400) {
            counts.insert(scene.objects.count)
            let pairs = scene.objects.map { "\($0.colour) \($0.kind)" }
            XCTAssertEqual(Set(pairs).count, pairs.count, "one object per colour–shape pair")
            for (i, a) in scene.objects.enumerated() {
                XCTAssertGreaterThanOrEqual(a.x - a.size.radius, 0)
                XCTAssertLessThanOrEqual(a.x + a.size.radius, 1)
                XCTAssertGreaterThanOrEqual(a.y - a.size.radius, 0)
                XCTAssertLessThanOrEqual(a.y + a.size.radius, 1)
                for b in scene.objects[(i + 1)...] {
                    let d = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
                    XCTAssertGreaterThan(d, a.size.radius + b.size.radius)
                }
            }
        }
        XCTAssertEqual(counts, [1, 2, 3, 4])
    }

    func testRenderingDrawsEachShapeInItsColourWithTheRightArea() {
        let size = 64
        for kind in ShapeKind.allCases {
            let object = ShapeObject(kind: kind, colour: .blue, size: .large, x: 0.5, y: 0.5)
            let image = ShapesScene(objects: [object]).render(size: size)
            let plane = size * size
            var lit = 0
            for i in 0..<plane where image.pixels[2 * plane + i] > 0 {
                lit += 1
                XCTAssertEqual(image.pixels[i], ShapeColour.blue.rgb.0)
            }
            let r = ShapeSize.large.radius * Float(size)
            let expected: Float = switch kind {
            case .circle: Float.pi * r * r
            case .square: (1.7 * r) * (1.7 * r)
            case .triangle: 0.5 * (2 * 0.866 * r) * (1.5 * r)
            }
            XCTAssertEqual(Float(lit), expected, accuracy: expected * 0.08, "\(kind)")
            // The background stays black.
            XCTAssertEqual(image[0, 0, 0] + image[1, 0, 0] + image[2, 0, 0], 0)
        }
        // A triangle points up: more lit pixels in its lower half.
        let triangle = ShapesScene(objects: [ShapeObject(kind: .triangle, colour: .red, size: .large, x: 0.5, y: 0.5)]).render(size: size)
        let upper = (0..<(size / 2 * size)).filter { triangle.pixels[$0] > 0 }.count
        let lower = ((size / 2 * size)..<(size * size)).filter { triangle.pixels[$0] > 0 }.count
        XCTAssertGreaterThan(lower, upper)
    }

    func testCaptionsAreTrueStatements() {
        let scene = ShapesScene(objects: [
            ShapeObject(kind: .circle, colour: .red, size: .small, x: 0.2, y: 0.5),
            ShapeObject(kind: .square, colour: .blue, size: .large, x: 0.7, y: 0.55),
        ])
        XCTAssertEqual(Set(scene.captions), [
            "there is a small red circle", "there is a large blue square",
            "a small red circle is left of a large blue square", "a large blue square is right of a small red circle",
        ])
        // 0.05 apart vertically is below the margin: neither is said to be above the other.
        XCTAssertFalse(scene.captions.contains { $0.contains("above") || $0.contains("below") })
    }

    func testQuestionsHaveTheirAnswersInTheScene() {
        let world = ShapesWorld(seed: 3)
        let (images, questions) = world.questions(.train, count: 200)
        var rng = world.stream(.train, 2)
        var kinds: [String: Int] = [:], yes = 0, no = 0
        for q in questions {
            kinds[q.kind, default: 0] += 1
            if q.answer == "yes" { yes += 1 } else if q.answer == "no" { no += 1 }
        }
        XCTAssertEqual(Set(kinds.keys), Set(ShapesQuestions.kinds))
        XCTAssertEqual(Double(yes) / Double(yes + no), 0.5, accuracy: 0.08)
        // Re-derive the scenes from the same stream and check every answer against them.
        for (i, image) in images.enumerated() {
            let scene = ShapesWorld.scene(.train, objects: 1 + rng.below(4), rng: &rng)
            XCTAssertEqual(scene.render(size: 64), image.image)
            let asked = ShapesQuestions.ask(scene, split: .train, rng: &rng)
            XCTAssertEqual(asked.map(\.question), questions.filter { $0.image == i }.map(\.question))
            for q in asked {
                switch q.kind {
                case "colour":
                    let shape = q.question.split(separator: " ").last!
                    XCTAssertEqual(scene.objects.filter { $0.kind.rawValue == shape }.map(\.colour.rawValue), [q.answer])
                case "count":
                    let shape = q.question.split(separator: " ")[2].dropLast()
                    XCTAssertEqual(String(scene.objects.filter { $0.kind.rawValue == shape }.count), q.answer)
                case "relation":
                    // "is the red circle left of the blue square": find both and compare centres.
                    let words = q.question.split(separator: " ").map(String.init)
                    // Each named object is the only one of its name, or the question would be ambiguous.
                    let find = { (c: String, k: String) -> ShapeObject in
                        let named = scene.objects.filter { $0.colour.rawValue == c && $0.kind.rawValue == k }
                        XCTAssertEqual(named.count, 1, "\(q.question): \(named.count) objects called \(c) \(k)")
                        return named[0]
                    }
                    let a = find(words[2], words[3]), b = find(words[words.count - 2], words[words.count - 1])
                    let relation = words[4..<(words.count - 3)].joined(separator: " ")
                    let holds = switch relation {
                    case "left of": a.x < b.x
                    case "right of": a.x > b.x
                    case "above": a.y < b.y
                    default: a.y > b.y
                    }
                    XCTAssertEqual(holds ? "yes" : "no", q.answer, q.question)
                case "exists":
                    let words = q.question.split(separator: " ")
                    let present = scene.objects.contains { $0.colour.rawValue == words[3] && $0.kind.rawValue == words[4] }
                    XCTAssertEqual(present ? "yes" : "no", q.answer)
                default: break
                }
            }
        }
    }

    func testRelationQuestionsNameOnlyObjectsTheirNamesPickOut() {
        // Two small red circles: "the red circle" is ambiguous, so only the square's relations to
        // the triangle may be asked.
        let scene = ShapesScene(objects: [
            ShapeObject(kind: .circle, colour: .red, size: .small, x: 0.2, y: 0.2),
            ShapeObject(kind: .circle, colour: .red, size: .small, x: 0.8, y: 0.8),
            ShapeObject(kind: .square, colour: .blue, size: .small, x: 0.2, y: 0.8),
            ShapeObject(kind: .triangle, colour: .green, size: .small, x: 0.8, y: 0.2),
        ])
        var rng = RandomGenerator(seed: 1)
        var asked = Set<String>()
        for _ in 0..<200 {
            for q in ShapesQuestions.ask(scene, split: .train, rng: &rng) where q.kind == "relation" { asked.insert(q.question) }
        }
        XCTAssertFalse(asked.isEmpty)
        for question in asked {
            XCTAssertFalse(question.contains("red circle"), question)
        }
    }

    func testClipsHaveOneLabelPerFrameAndMatchTheirCaption() {
        let clips = ShapesWorld(seed: 4, imageSize: 32).clips(.train, count: 60, frames: 12)
        var labels = Set<String>()
        for clip in clips {
            XCTAssertEqual(clip.frames.count, 12)
            XCTAssertEqual(clip.frameLabels.count, 12)
            XCTAssertEqual(clip.frameLabels[0], "still")
            XCTAssertTrue(clip.frames.allSatisfy { $0.height == 32 && $0.width == 32 })
            let events = Set(clip.frameLabels).subtracting(["still"])
            XCTAssertEqual(events.count, 1, "\(clip.frameLabels)")
            XCTAssertGreaterThanOrEqual(clip.frameLabels.filter { $0 != "still" }.count, 6)
            labels.formUnion(events)
            let event = events.first!
            let caption = clip.captions[0]
            switch event {
            case "turning": XCTAssertTrue(caption.hasSuffix(" turns"), caption)
            case "changing-colour": XCTAssertTrue(caption.contains(" becomes "), caption)
            default: XCTAssertTrue(caption.hasSuffix(" moves " + event.dropFirst("moving-".count)), caption)
            }
            // Frames change exactly where the labels say something happens.
            for t in 1..<12 {
                XCTAssertEqual(clip.frames[t] != clip.frames[t - 1], clip.frameLabels[t] != "still",
                               "\(clip.name) frame \(t): \(clip.frameLabels)")
            }
        }
        XCTAssertEqual(labels, Set(ClipEvent.labels.dropFirst()))
    }
}

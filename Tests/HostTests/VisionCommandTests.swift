import Foundation
import RecurKit
import XCTest

/// The image and video tasks from the command line: `recur data shapes` writes what `--data`
/// reads; captioning, VQA and video train on it, export, and predict from PNGs with attention
/// figures; bad input is one clear line.
final class VisionCommandTests: HostTestCase {
    let tiny = ["--hidden", "8", "--batch", "4", "--steps", "2", "--eval-every", "2", "--image-size", "16", "--conv", "4"]

    func shapes() throws -> String {
        let out = path("shapes")
        let written = try recur(["data", "shapes", "--out", out, "--images", "20", "--clips", "10", "--image-size", "32"])
        XCTAssertEqual(written.status, 0, "\(written)")
        return out
    }

    func testDataShapesWritesEverySplitInTheFormatsDataReads() throws {
        let out = try shapes()
        for split in ["train", "val", "heldout"] {
            for file in ["captions.tsv", "questions.tsv", "clips/clips.tsv", "clips/frame_labels.tsv"] {
                XCTAssertTrue(exists("shapes/\(split)/\(file)"), "\(split)/\(file)")
            }
        }
        let captions = try String(contentsOfFile: "\(out)/train/captions.tsv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(Set(captions.map { $0.split(separator: "\t")[0] }).count, 20)
        let image = try Image.readPNG(URL(fileURLWithPath: "\(out)/train/train-000000.png"))
        XCTAssertEqual([image.channels, image.height, image.width], [3, 32, 32])
        // The same world as the generator: the written image is the rendered scene, to 8 bits.
        let scene = ShapesWorld(seed: 0, imageSize: 32).captionedImages(.train, count: 1)[0]
        XCTAssertLessThanOrEqual(zip(image.pixels, scene.image.pixels).map { abs($0 - $1) }.max()!, 0.501 / 255)
        let again = try recur(["data", "shapes", "--out", out])
        XCTAssertEqual(again.status, 1, "\(again)")
        XCTAssertTrue(again.stderr.contains("not empty"), "\(again)")
    }

    func testCaptioningTrainsOnAFolderExportsAndDrawsTheAttentionMap() throws {
        let out = try shapes()
        let trained = try recur(["run", "captioning", "--data", "\(out)/train", "--valid", "\(out)/val", "--run-dir", path("cap")] + tiny)
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertTrue(trained.stdout.contains("val_exact_match"), "\(trained)")
        let exported = try recur(["export", path("cap"), "--output", path("cap.recur")])
        XCTAssertEqual(exported.status, 0, "\(exported)")
        let map = path("map.png")
        let predicted = try recur(["predict", path("cap.recur"), "\(out)/val/val-000000.png", "--beam", "2",
                                   "--attention-map", map, "--json"])
        XCTAssertEqual(predicted.status, 0, "\(predicted)")
        let object = try jsonObject(predicted.stdout)
        let words = try XCTUnwrap(object["words"] as? [String])
        let attention = try XCTUnwrap(object["attention"] as? [[Double]])
        XCTAssertGreaterThanOrEqual(attention.count, words.count)
        // 16 px images through one pooling block: a 8×8 grid of regions.
        XCTAssertEqual(object["grid"] as? [Int], [8, 8])
        for row in attention { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4) }
        let figure = try Image.readPNG(URL(fileURLWithPath: map))
        // One panel for the image and one per attended step, five to a row, each 3 × 16 px wide with 6 px gaps.
        XCTAssertEqual(figure.width, min(5, attention.count + 1) * (48 + 6) + 6)
    }

    func testCaptioningWithoutAttentionRefusesAnAttentionMap() throws {
        let out = try shapes()
        let trained = try recur(["run", "captioning", "--data", "\(out)/train", "--attention", "none", "--run-dir", path("base")] + tiny)
        XCTAssertEqual(trained.status, 0, "\(trained)")
        let refused = try recur(["predict", path("base"), "\(out)/val/val-000000.png", "--attention-map", path("m.png")])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("no attention"), "\(refused)")
        XCTAssertFalse(exists("m.png"))
    }

    func testVQAAnswersAnImageAndAQuestion() throws {
        let out = try shapes()
        let trained = try recur(["run", "vqa", "--data", "\(out)/train", "--valid", "\(out)/val", "--run-dir", path("vqa")] + tiny)
        XCTAssertEqual(trained.status, 0, "\(trained)")
        // The shapes world's question types are in questions.tsv, so accuracy is reported per type.
        XCTAssertTrue(trained.stdout.contains("val_colour_accuracy") && trained.stdout.contains("val_relation_accuracy"), "\(trained)")
        let image = "\(out)/val/q-val-000000.png"
        let answered = try recur(["predict", path("vqa"), image, "What colour is the zebra?", "--json", "--attention-map", path("hops.png")])
        XCTAssertEqual(answered.status, 0, "\(answered)")
        let object = try jsonObject(answered.stdout)
        XCTAssertNotNil(object["answer"] as? String)
        XCTAssertEqual(object["unknown"] as? [String], ["zebra"])
        XCTAssertEqual((object["attention"] as? [[Double]])?.count, 2, "two hops by default")
        XCTAssertTrue(exists("hops.png"))
        let odd = try recur(["predict", path("vqa"), image, "what colour is the square", image])
        XCTAssertEqual(odd.status, 64, "\(odd)")
        XCTAssertTrue(odd.stderr.contains("2 words per prediction"), "\(odd)")
        let missing = try recur(["predict", path("vqa"), path("nothing.png"), "what shape is the red object"])
        XCTAssertEqual(missing.status, 1, "\(missing)")
        XCTAssertTrue(missing.stderr.contains("nothing.png"), "\(missing)")
    }

    /// `--attention find`: it trains, saves, reloads and predicts, with one attention map per find
    /// view; old configs (stacked, none) are untouched, as the option is a new value of `attention`.
    func testVQAWithFindsTrainsReloadsAndPredicts() throws {
        let out = try shapes()
        let trained = try recur(["run", "vqa", "--data", "\(out)/train", "--valid", "\(out)/val", "--attention", "find",
                                 "--run-dir", path("finds")] + tiny)
        XCTAssertEqual(trained.status, 0, "\(trained)")
        XCTAssertTrue(trained.stdout.contains("val_relation_accuracy"), "\(trained)")
        let image = "\(out)/val/q-val-000000.png"
        for question in ["is the red circle left of the blue square", "is there a red circle", "how many circles are there"] {
            let answered = try recur(["predict", path("finds"), image, question, "--json"])
            XCTAssertEqual(answered.status, 0, "\(answered)")
            let object = try jsonObject(answered.stdout)
            XCTAssertNotNil(object["answer"] as? String)
            let attention = try XCTUnwrap(object["attention"] as? [[Double]])
            XCTAssertEqual(attention.count, 2, "two find views")
            for map in attention { XCTAssertEqual(map.reduce(0, +), 1, accuracy: 1e-4) }
        }
    }

    func testVideoCaptionsAndLabelsFramesOfAClipFolder() throws {
        let out = try shapes()
        let video = ["--data", "\(out)/train/clips", "--valid", "\(out)/val/clips", "--frame-size", "8", "--embedding", "4"]
        let captioned = try recur(["run", "video-captioning", "--run-dir", path("vid")] + video + tiny)
        XCTAssertEqual(captioned.status, 0, "\(captioned)")
        let clip = "\(out)/val/clips/val-000000"
        let caption = try recur(["predict", path("vid"), clip, "--json", "--attention-map", path("frames.png")])
        XCTAssertEqual(caption.status, 0, "\(caption)")
        XCTAssertEqual((try jsonObject(caption.stdout)["attention"] as? [[Double]])?.first?.count, 8, "α over the 8 frames")
        XCTAssertTrue(exists("frames.png"))

        let labelled = try recur(["run", "video-captioning", "--per-frame", "--run-dir", path("frames")] + video + tiny)
        XCTAssertEqual(labelled.status, 0, "\(labelled)")
        XCTAssertTrue(labelled.stdout.contains("val_frame_accuracy"), "\(labelled)")
        let labels = try recur(["predict", path("frames"), clip, "--json"])
        XCTAssertEqual((try jsonObject(labels.stdout)["frame_labels"] as? [String])?.count, 8, "\(labels)")

        let notAClip = try recur(["predict", path("frames"), "\(out)/train"])
        XCTAssertEqual(notAClip.status, 1)
        XCTAssertTrue(notAClip.stderr.contains("not numbered") || notAClip.stderr.contains("no frames"), "\(notAClip)")
    }

    func testPerFrameNeedsFrameLabels() throws {
        let out = try shapes()
        try FileManager.default.removeItem(atPath: "\(out)/train/clips/frame_labels.tsv")
        let refused = try recur(["run", "video-captioning", "--per-frame", "--data", "\(out)/train/clips", "--run-dir", path("x")] + tiny)
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("frame_labels.tsv"), "\(refused)")
    }
}

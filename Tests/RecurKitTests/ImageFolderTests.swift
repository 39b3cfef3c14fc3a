import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// A user's captions.tsv / questions.tsv folder: images read once, resized, named safely
/// inside the folder, and every bad row refused with the file and line.
final class ImageFolderTests: XCTestCase {
    var scratch: Scratch!
    var folder: URL { scratch.directory }
    override func setUpWithError() throws { scratch = try Scratch() }
    override func tearDown() { scratch = nil }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "succeeded" } catch { return "\(error)" }
    }

    /// A PNG of one colour per channel at `name` in the folder.
    @discardableResult
    func png(_ name: String, height: Int = 2, width: Int = 2, colour: [Float] = [1, 0, 0]) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Image(height: height, width: width, pixels: colour.flatMap { [Float](repeating: $0, count: height * width) }).writePNG(to: url)
        return url
    }

    func captionsError(_ tsv: String) throws -> String {
        try scratch.write("captions.tsv", tsv)
        return message { _ = try CaptionedImage.readFolder(self.folder, height: 2, width: 2) }
    }

    func testCaptionTextIsLowerCaseWordsWithEdgePunctuationDropped() {
        XCTAssertEqual(CaptionText.normalized("A red circle, left of the Square."), "a red circle left of the square")
        XCTAssertEqual(CaptionText.normalized("  \"Two\"   triangles!\t( big ) "), "two triangles big")
        XCTAssertEqual(CaptionText.normalized("the left-most one isn't 3.5 wide"), "the left-most one isn't 3.5 wide")
        XCTAssertEqual(CaptionText.normalized("... ?"), "")
    }

    func testCaptionsGroupByImageInOrderOfFirstMentionAndAreResized() throws {
        let red = try png("shapes/a.png", height: 4, width: 6)
        let gradient = Image(height: 2, width: 2, pixels: [0, 0.2, 0.4, 0.6, 1, 1, 1, 1, 0, 0, 0, 0])
        try gradient.writePNG(to: folder.appendingPathComponent("b.png"))
        try scratch.write("captions.tsv", "shapes/a.png\tA red rectangle.\n\nb.png\tA  gradient, top to bottom!\r\nshapes/./a.png\t something red \n")
        let examples = try CaptionedImage.readFolder(folder, height: 3, width: 5)
        XCTAssertEqual(examples.map(\.name), ["shapes/a.png", "b.png"], "a.png named twice is one image")
        XCTAssertEqual(examples.map(\.captions), [["a red rectangle", "something red"], ["a gradient top to bottom"]])
        XCTAssertEqual(examples[0].image, try Image.readPNG(red).resized(height: 3, width: 5))
        XCTAssertEqual(examples[1].image, try Image.readPNG(folder.appendingPathComponent("b.png")).resized(height: 3, width: 5))
        XCTAssertEqual([examples[1].image.channels, examples[1].image.height, examples[1].image.width], [3, 3, 5])
    }

    func testQuestionsIndexTheirImagesAndDefaultToKindOther() throws {
        try png("a.png")
        try png("b.png", colour: [0, 0, 1])
        try scratch.write("questions.tsv", """
            b.png\tWhat colour is the square?\tBlue.\tcolour
            a.png\tIs there a circle?\tno
            b.png\tHow many shapes?\t1\t

            """)
        let set = try VisualQuestionSet.readFolder(folder, height: 2, width: 2)
        XCTAssertEqual(set.imageNames, ["b.png", "a.png"])
        XCTAssertEqual(set.images.map { $0.pixels[0] }, [0, 1], "b is blue, a is red")
        XCTAssertEqual(set.questions, [
            VisualQuestion(image: 0, question: "what colour is the square", answer: "blue", kind: "colour"),
            VisualQuestion(image: 1, question: "is there a circle", answer: "no", kind: "other"),
            VisualQuestion(image: 0, question: "how many shapes", answer: "1", kind: "other"),
        ])
    }

    func testABadRowNamesTheFileAndLine() throws {
        try png("a.png")
        let tsv = folder.appendingPathComponent("captions.tsv").path
        XCTAssertEqual(try captionsError("a.png\ta red square\na.png\n"),
                       "\(tsv):2: 1 tab-separated column where 2 are expected: image<TAB>caption")
        XCTAssertEqual(try captionsError("a.png\ta red\tsquare\n"),
                       "\(tsv):1: 3 tab-separated columns where 2 are expected: image<TAB>caption")
        XCTAssertEqual(try captionsError("a.png\t...\n"), "\(tsv):1: the caption of 'a.png' is empty")
        XCTAssertEqual(try captionsError("\ta red square\n"), "\(tsv):1: the image name (first column) is empty")
        XCTAssertEqual(try captionsError("c.png\ta red square\n"), "\(tsv):1: unknown image 'c.png': no such file in \(folder.path)")
        XCTAssertEqual(try captionsError("\n \n"), "\(tsv): has no lines; expected image<TAB>caption per line")

        let questions = try scratch.write("questions.tsv", "a.png\tIs it red?\n").path
        func questionsError(_ text: String) throws -> String {
            try scratch.write("questions.tsv", text)
            return message { _ = try VisualQuestionSet.readFolder(self.folder, height: 2, width: 2) }
        }
        let layout = "image<TAB>question<TAB>answer, optionally <TAB>question type"
        XCTAssertEqual(try questionsError("a.png\tIs it red?\n"), "\(questions):1: 2 tab-separated columns where 3 to 4 are expected: \(layout)")
        XCTAssertEqual(try questionsError("a.png\tIs it red?\tyes\tcolour\textra\n"),
                       "\(questions):1: 5 tab-separated columns where 3 to 4 are expected: \(layout)")
        XCTAssertEqual(try questionsError("a.png\tIs it red?\tyes\na.png\t?\tyes\n"), "\(questions):2: the question (second column) is empty")
        XCTAssertEqual(try questionsError("a.png\tIs it red?\t\n"), "\(questions):1: the answer (third column) is empty")
        XCTAssertEqual(try questionsError("b.png\tIs it red?\tyes\n"), "\(questions):1: unknown image 'b.png': no such file in \(folder.path)")
    }

    func testAnImageThatIsNotAReadablePNGGivesLibpngsReasonAtItsLine() throws {
        try png("a.png")
        let broken = try scratch.write("broken.png", "GIF89a, not a PNG")
        let tsv = folder.appendingPathComponent("captions.tsv").path
        XCTAssertEqual(try captionsError("a.png\tred\nbroken.png\tgrey\n"),
                       "\(tsv):2: \(broken.path): not a PNG file (it does not start with the PNG signature)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        XCTAssertEqual(try captionsError("sub\tred\n"), "\(tsv):1: \(folder.path)/sub: is a directory, not a file")
    }

    /// The folder may be a stranger's: no name may reach a file outside it.
    func testNamesLeavingTheFolderAreRefused() throws {
        let outside = try Scratch()
        let secret = outside.directory.appendingPathComponent("secret.png")
        try Image(height: 1, width: 1).writePNG(to: secret)
        try png("a.png")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.png"), withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("elsewhere"), withDestinationURL: outside.directory)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("same.png"), withDestinationURL: folder.appendingPathComponent("a.png"))
        let tsv = folder.appendingPathComponent("captions.tsv").path
        XCTAssertEqual(try captionsError("\(secret.path)\tred\n"),
                       "\(tsv):1: image '\(secret.path)' is an absolute path; name it relative to \(folder.path)")
        XCTAssertEqual(try captionsError("a.png\tred\nsub/../../secret.png\tred\n"),
                       "\(tsv):2: image 'sub/../../secret.png' contains '..'; images must be inside \(folder.path)")
        let realOutside = try XCTUnwrap(realpath(outside.directory.path, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) })
        let real = realOutside + "/secret.png"
        for name in ["link.png", "elsewhere/secret.png"] {
            XCTAssertEqual(try captionsError("\(name)\tred\n"),
                           "\(tsv):1: image '\(name)' leads out of \(folder.path) through a symbolic link (to \(real)); only files inside the folder are read")
        }
        let tableOutside = try outside.write("captions.tsv", "a.png\tred\n")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("questions.tsv"), withDestinationURL: tableOutside)
        XCTAssertEqual(message { _ = try VisualQuestionSet.readFolder(self.folder, height: 2, width: 2) },
                       "\(folder.path)/questions.tsv: leads out of \(folder.path) through a symbolic link (to \(realOutside)/captions.tsv); only files inside the folder are read")
        try scratch.write("captions.tsv", "same.png\tred\na.png\tscarlet\n")
        let examples = try CaptionedImage.readFolder(folder, height: 2, width: 2)
        XCTAssertEqual(examples.map(\.captions), [["red", "scarlet"]], "a link inside the folder is followed, and is the file it points to")
    }

    func testAMissingFolderOrTableIsNamed() throws {
        let missing = folder.appendingPathComponent("nowhere")
        XCTAssertEqual(message { _ = try CaptionedImage.readFolder(missing, height: 2, width: 2) }, "\(missing.path): no such folder")
        let file = try scratch.write("file.txt", "x")
        XCTAssertEqual(message { _ = try CaptionedImage.readFolder(file, height: 2, width: 2) },
                       "\(file.path): is a file; image data is a folder of PNG files with its TSV files")
        XCTAssertEqual(message { _ = try VisualQuestionSet.readFolder(self.folder, height: 2, width: 2) },
                       "\(folder.path): no questions.tsv in the folder; it should hold lines image<TAB>question<TAB>answer, optionally <TAB>question type")
    }
}

import XCTest
import RecurTestSupport
import RecurKit

/// BLEU against sacreBLEU 2.6 `corpus_bleu(hyps, [refs], tokenize='none')`, default exp smoothing
/// and `smooth_method='none'` (vectors written by scripts/bleu_vectors.py into Golden/bleu.json),
/// with one reference per sentence and with several.
final class BLEUTests: XCTestCase {
    func testMatchesSacreBLEUVectors() throws {
        let vectors = try Golden.load("bleu").filter { !$0.key.hasPrefix("_") }
        XCTAssertGreaterThanOrEqual(vectors.count, 12)
        for (name, any) in vectors {
            let v = any as! [String: Any]
            let words = { (key: String) in (v[key] as! [String]).map { $0.split(separator: " ").map(String.init) } }
            var bleu = BLEU()
            if let several = v["references"] as? [[String]] {
                for (h, refs) in zip(words("hypotheses"), several) {
                    bleu.add(hypothesis: h, references: refs.map { $0.split(separator: " ").map(String.init) })
                }
            } else {
                bleu = BLEU(hypotheses: words("hypotheses"), references: words("references"))
            }
            XCTAssertEqual(bleu.matches, (v["counts"] as! [NSNumber]).map(\.intValue), name)
            XCTAssertEqual(bleu.totals, (v["totals"] as! [NSNumber]).map(\.intValue), name)
            XCTAssertEqual(bleu.referenceLength, (v["ref_len"] as! NSNumber).intValue, name)
            XCTAssertEqual(bleu.brevityPenalty, (v["bp"] as! NSNumber).doubleValue, accuracy: 1e-12, name)
            XCTAssertEqual(bleu.score(), (v["bleu_exp"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name), exp smoothing")
            XCTAssertEqual(bleu.score(smoothing: .none), (v["bleu_none"] as! NSNumber).doubleValue, accuracy: 1e-9, "\(name), no smoothing")
            for (mine, theirs) in zip(bleu.precisions(), (v["precisions_exp"] as! [NSNumber]).map(\.doubleValue)) {
                XCTAssertEqual(mine, theirs, accuracy: 1e-9, name)
            }
        }
    }

    func testEmptyHypothesesScoreZero() {
        XCTAssertEqual(BLEU(hypotheses: [[]], references: [["a", "b"]]).score(), 0)
    }
}

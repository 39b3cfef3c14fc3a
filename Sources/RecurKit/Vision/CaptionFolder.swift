import Foundation

extension CaptionedImage {
    /// The captioned images of a user's folder: PNG files and a `captions.tsv` of
    /// `image<TAB>caption` lines, an image on as many lines as it has captions.
    ///
    /// Images come in order of first mention, resized to `[3, height, width]`; `name` is the
    /// image's name as first written. Captions are ``CaptionText/normalized(_:)``. A wrong column
    /// count, an empty caption, or an image that is unknown, outside the folder or not a readable
    /// PNG stops the reading with the file and line named.
    public static func readFolder(_ folder: URL, height: Int, width: Int) throws -> [CaptionedImage] {
        var images = try ImageFolder(folder, height: height, width: width)
        let layout = "image<TAB>caption"
        let rows = try TabSeparatedRow.read(images.table("captions.tsv", layout: layout), columns: 2...2, layout: layout)
        var captions: [[String]] = []
        for row in rows {
            let caption = CaptionText.normalized(row.fields[1])
            guard !caption.isEmpty else { throw DataFileError(file: row.place, "the caption of '\(row.fields[0])' is empty") }
            let index = try images.index(of: row.fields[0], at: row.place)
            if index == captions.count { captions.append([]) }
            captions[index].append(caption)
        }
        return images.names.indices.map { CaptionedImage(name: images.names[$0], image: images.images[$0], captions: captions[$0]) }
    }
}

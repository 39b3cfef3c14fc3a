import Foundation

/// A PyTorch state dict saved with `safetensors.torch.save_file` (or a Recur checkpoint), read
/// as a stranger's file: the size is capped, a pickle or `torch.save` archive is recognised by
/// its first bytes and refused (pickle runs code when read, so it is never opened), the
/// safetensors header is validated by ``SafeTensors/decode(_:source:)``, and every value must
/// be finite.
public enum StateDictFile {
    /// 4 GiB: far above any recurrent model Recur trains, and low enough that a file claiming
    /// more is refused before it is read into memory.
    public static let sizeLimit = 4 << 30

    /// Tensors by name. A Recur `checkpoint.safetensors` gives its weights only (its optimizer
    /// and task state are not a state dict's). Keys that all start with `module.` (what
    /// `nn.DataParallel` and DDP save) lose that prefix.
    public static func read(_ url: URL) throws -> [String: Tensor] {
        let data = try RegularFile.read(url, limit: sizeLimit, followingLinks: true)
        return try decode(data, source: url.path)
    }

    /// As ``read(_:)``, from bytes already in memory; `source` names them in errors.
    public static func decode(_ data: Data, source: String) throws -> [String: Tensor] {
        if let kind = PickleKind(data) { throw StateDictError.pickle(source: source, kind: kind) }
        let (all, metadata) = try SafeTensors.decode(data, source: source)
        var tensors = metadata["recur.format"] != nil ? try Checkpoint.decode(data, source: source).weights : all
        if !tensors.isEmpty && tensors.keys.allSatisfy({ $0.hasPrefix("module.") }) {
            tensors = Dictionary(uniqueKeysWithValues: tensors.map { (String($0.key.dropFirst("module.".count)), $0.value) })
        }
        for name in tensors.keys.sorted() {
            if let index = tensors[name]!.scalars.firstIndex(where: { !$0.isFinite }) {
                throw StateDictError.nonFinite(source: source, name: name, index: index)
            }
        }
        return tensors
    }

    /// The Python line that turns a `torch.save` file into one Recur reads. `weights_only=True`
    /// keeps PyTorch's own unpickler from running arbitrary code, since the file may be a stranger's too.
    public static func conversionCommand(for source: String) -> String {
        let stem = (source as NSString).deletingPathExtension
        return "python3 -c \"import torch; from safetensors.torch import save_file; "
            + "save_file({k: v.float().contiguous() for k, v in torch.load('\(source)', map_location='cpu', weights_only=True).items()}, '\(stem).safetensors')\""
    }
}

/// How a file announces itself as a pickle rather than a safetensors file.
public enum PickleKind: Sendable, Equatable {
    /// `torch.save` since PyTorch 1.6: a zip archive holding `data.pkl`.
    case torchZip
    /// A bare pickle stream (legacy `torch.save`, `pickle.dump`): opcode PROTO then 2…5.
    case pickle

    /// Looks only at the first bytes: a zip local-file header `PK\3\4`, or pickle's PROTO opcode.
    public init?(_ data: Data) {
        let head = [UInt8](data.prefix(4))
        if head == [0x50, 0x4B, 0x03, 0x04] { self = .torchZip; return }
        if head.count >= 2, head[0] == 0x80, (2...5).contains(head[1]) { self = .pickle; return }
        return nil
    }
}

/// Why a state dict file was refused.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    case pickle(source: String, kind: PickleKind)
    case nonFinite(source: String, name: String, index: Int)

    public var description: String {
        switch self {
        case .pickle(let source, let kind):
            let what = kind == .torchZip ? "a torch.save archive (pickle inside)" : "a pickle file"
            return "\(source) is \(what); Recur never reads pickle, which can run code. Convert it to safetensors: "
                + StateDictFile.conversionCommand(for: source)
        case .nonFinite(let source, let name, let index):
            return "\(source): tensor '\(name)' holds a non-finite value (NaN or infinity) at flat index \(index)"
        }
    }
}

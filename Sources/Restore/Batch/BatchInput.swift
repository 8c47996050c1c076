import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// What IN names, and the items it expands to with OUT.
///
/// - a file: one item; OUT is a file, or an existing folder to write into;
/// - a folder: its images (`recursive`: also in subfolders, mirrored into OUT); hidden files
///   are skipped;
/// - a glob (`*`, `?`, `[…]`, quoted so the shell leaves it): the matching images;
/// - a frame pattern (`FramePattern`): the frames on disk, or those `--frames` names;
///
/// For all but a file, OUT is a folder (created as needed; files keep their names, with the
/// extension `format` when given) or, for a sequence, an output pattern. Items are sorted
/// (sequences by frame, others by path); two inputs that would write one output are refused.
public enum BatchInput: Sendable, Equatable {
    case file, folder, glob, sequence

    /// Whether any item list for this kind is one item (a file: errors keep their own exit code).
    public var isSingle: Bool { self == .file }

    /// Classifies `input`.
    public static func kind(of input: String) throws(OptionError) -> BatchInput {
        if try FramePattern(input) != nil, access(input, F_OK) != 0 { return .sequence }
        var st = stat()
        if stat(input, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR ? .folder : .file }
        if input.contains(where: { "*?[".contains($0) }) { return .glob }
        return .file  // missing: the read reports it
    }

    /// The items for `input` → `output`, sorted, before sharding. Throws `OptionError` for a
    /// bad combination and `BatchError` when nothing matches.
    public static func items(input: String, output: String, options: BatchOptions) throws -> [BatchItem] {
        let kind = try kind(of: input)
        if kind != .sequence, options.frames != nil { throw OptionError("--frames needs a frame pattern as IN (e.g. shot.%04d.exr)") }
        if kind != .folder, options.recursive { throw OptionError("--recursive needs a folder as IN") }
        let items: [BatchItem]
        switch kind {
        case .file:
            let out = isFolder(output) ? join(output, rename(base(input), options.format)) : output
            if options.format != nil, !isFolder(output) { throw OptionError("--format needs a folder as OUT; a file's format follows its extension") }
            items = [BatchItem(input: input, output: out, frame: nil, shot: 0)]
        case .folder:
            try requireFolder(output, for: input)
            let files = listImages(input, recursive: options.recursive)
            items = files.enumerated().map { i, rel in
                BatchItem(input: join(input, rel), output: join(output, rename(rel, options.format)), frame: nil, shot: i)
            }
        case .glob:
            try requireFolder(output, for: input)
            items = glob(input).enumerated().map { i, path in
                BatchItem(input: path, output: join(output, rename(base(path), options.format)), frame: nil, shot: i)
            }
        case .sequence:
            let pattern = try FramePattern(input)!
            let outPattern = try FramePattern(output)
            if outPattern == nil { try requireFolder(output, for: input) }
            if outPattern != nil, options.format != nil { throw OptionError("--format needs a folder as OUT; an output pattern names its extension") }
            if options.frames != nil, pattern.frames != nil { throw OptionError(path: input, "frames are given twice: in the pattern and by --frames") }
            let frames = options.frames?.frames ?? pattern.frames?.frames ?? pattern.existingFrames()
            // Cuts after the first frame start shots; both lists are ascending, so one walk.
            let cuts = (options.cuts?.frames ?? []).filter { $0 > (frames.first ?? 0) }
            var passed = 0
            items = frames.enumerated().map { i, f in
                while passed < cuts.count, cuts[passed] <= f { passed += 1 }
                let out = outPattern?.path(f) ?? join(output, rename(base(pattern.path(f)), options.format))
                let shot = options.perFrame ? i : options.shotFrames.map { i / $0 } ?? passed
                return BatchItem(input: pattern.path(f), output: out, frame: f, shot: shot)
            }
        }
        if items.isEmpty { throw BatchError(path: input, message: "no \(kind == .sequence ? "frames" : "images") match", category: .inputUnreadable) }
        var seen: [String: String] = [:]
        for item in items {
            if let other = seen.updateValue(item.input, forKey: item.output) {
                throw OptionError(path: item.output, "both '\(other)' and '\(item.input)' would be written here; use --recursive or another OUT")
            }
        }
        return items
    }

    static func isFolder(_ path: String) -> Bool {
        if path.hasSuffix("/") { return true }
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func requireFolder(_ output: String, for input: String) throws(OptionError) {
        var st = stat()
        if stat(output, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR {
            throw OptionError(path: output, "'\(input)' names several images, so OUT must be a folder (or, for a sequence, a pattern such as out.%04d.png)")
        }
        if try FramePattern(output) == nil, FileName.extension(of: output).map({ ImageFormat.fromExtension(of: "x.\($0)") != nil }) == true {
            throw OptionError(path: output, "'\(input)' names several images, so OUT must be a folder, not an image file name")
        }
    }

    static func base(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path }
    static func join(_ dir: String, _ rel: String) -> String { dir.hasSuffix("/") ? dir + rel : dir + "/" + rel }

    /// `rel` with its extension replaced by `format` (when given).
    static func rename(_ rel: String, _ format: String?) -> String {
        guard let format else { return rel }
        let slash = rel.lastIndex(of: "/").map { rel.index(after: $0) } ?? rel.startIndex
        if let dot = rel[slash...].lastIndex(of: "."), dot > slash { return rel[..<dot] + "." + format }
        return rel + "." + format
    }

    /// Paths relative to `root` of the images under it (by extension), sorted.
    static func listImages(_ root: String, recursive: Bool) -> [String] {
        var found: [String] = []
        func walk(_ rel: String, depth: Int) {
            guard depth < 64, let names = Directory.names(rel.isEmpty ? root : join(root, rel)) else { return }
            for name in names {
                if name.hasPrefix(".") { continue }
                let path = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard stat(join(root, path), &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR { if recursive { walk(path, depth: depth + 1) } }
                else if ImageFormat.fromExtension(of: name) != nil { found.append(path) }
            }
        }
        walk("", depth: 0)
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The image files `pattern` matches (glob(3)), sorted.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
            .filter { ImageFormat.fromExtension(of: $0) != nil && !isFolder($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

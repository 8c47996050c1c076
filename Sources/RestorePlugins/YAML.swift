import Yams

/// A YAML node with its file, for typed reads that fail with the file, line and what was
/// expected.
struct YAML {
    let node: Node
    let path: String?
    let key: String

    /// Parses `text`; an empty document is an empty mapping.
    static func parse(_ text: String, path: String?) throws(PluginError) -> YAML {
        do {
            let node = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
            return YAML(node: node, path: path, key: "document")
        } catch let e as YamlError {
            throw PluginError(path: path, reason: .invalid, Self.describe(e))
        } catch {
            throw PluginError(path: path, reason: .invalid, "\(error)")
        }
    }

    static func describe(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line): not valid YAML: \(problem)"
        default: return "not valid YAML: \(e)"
        }
    }

    var line: Int? { node.mark.map { $0.line } }

    func fail(_ what: String) -> PluginError { PluginError(path: path, reason: .invalid, line: line, what) }

    /// The keys of a mapping, in order, with their values.
    func mapping() throws(PluginError) -> [(key: String, value: YAML)] {
        guard case .mapping(let m) = node else { throw fail("'\(key)' must be a mapping (key: value)") }
        return m.map { (key: $0.key.string ?? "\($0.key)", value: YAML(node: $0.value, path: path, key: $0.key.string ?? "?")) }
    }
    func sequence() throws(PluginError) -> [YAML] {
        if case .sequence(let s) = node { return s.map { YAML(node: $0, path: path, key: key) } }
        throw fail("'\(key)' must be a list")
    }
    func string() throws(PluginError) -> String {
        guard case .scalar(let s) = node else { throw fail("'\(key)' must be a string") }
        return s.string
    }
    func int() throws(PluginError) -> Int {
        guard let i = node.int else { throw fail("'\(key)' must be an integer (got '\(node.string ?? "a collection")')") }
        return i
    }
    func double() throws(PluginError) -> Double {
        guard let d = node.float ?? node.int.map(Double.init) else { throw fail("'\(key)' must be a number (got '\(node.string ?? "a collection")')") }
        return d
    }
    func bool() throws(PluginError) -> Bool {
        guard let b = node.bool else { throw fail("'\(key)' must be true or false") }
        return b
    }
    /// One of `choices`.
    func choice(_ choices: [String]) throws(PluginError) -> String {
        let s = try string()
        guard choices.contains(s) else { throw fail("'\(key)' must be one of \(choices.joined(separator: ", ")) (got '\(s)')") }
        return s
    }
}

/// Reads a mapping's keys one by one, and reports the ones nobody asked for.
struct YAMLFields {
    private var fields: [(key: String, value: YAML)]
    private var used: Set<String> = []
    let owner: YAML

    init(_ yaml: YAML) throws(PluginError) {
        owner = yaml
        fields = try yaml.mapping()
    }
    mutating func optional(_ key: String) -> YAML? {
        used.insert(key)
        return fields.first { $0.key == key }?.value
    }
    mutating func required(_ key: String) throws(PluginError) -> YAML {
        guard let v = optional(key) else { throw owner.fail("missing required key '\(key)'") }
        return v
    }
    /// Warnings for keys that were never read.
    func unknownKeys(known: String) -> [String] {
        fields.filter { !used.contains($0.key) }.map { f in
            let l = f.value.line.map { "line \($0): " } ?? ""
            return "\(l)unknown key '\(f.key)' ignored (known: \(known))"
        }
    }
    var knownList: String { used.sorted().joined(separator: ", ") }
}

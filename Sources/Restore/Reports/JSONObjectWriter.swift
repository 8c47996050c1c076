/// A minimal JSON writer (keys in insertion order): `text` is indented, `line` one line
/// (JSON Lines, for progress events).
struct JSONObjectWriter {
    indirect enum Value {
        case string(String), int(Int), double(Double), bool(Bool), null, array([Value]), object(JSONObjectWriter)
        var text: String {
            switch self {
            case .string(let s): return JSONObjectWriter.quote(s)
            case .int(let i): return String(i)
            case .double(let d): return d.isFinite ? String(d) : "null"
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .array(let a): return "[" + a.map(\.text).joined(separator: ", ") + "]"
            case .object(let o): return o.line
            }
        }
    }
    private var fields: [(String, Value)] = []
    mutating func add(_ key: String, _ value: Value) { fields.append((key, value)) }
    mutating func prepend(_ key: String, _ value: Value) { fields.insert((key, value), at: 0) }
    var text: String { "{\n" + fields.map { "  \(Self.quote($0.0)): \($0.1.text)" }.joined(separator: ",\n") + "\n}" }
    var line: String { "{" + fields.map { "\(Self.quote($0.0)):\($0.1.text)" }.joined(separator: ",") + "}" }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

import RestorePlugins

/// A step's settings read with checks: every number from a flag or a config passes through
/// here, with its range, before anything is built. Errors name the config file and line when
/// the step came from one.
struct StepSettings {
    let step: PresetStep

    init(_ step: PresetStep, known: [String]?) throws(OptionError) {
        self.step = step
        if let known {
            for key in step.settings.keys.sorted() where !known.contains(key) {
                throw fail("unknown setting '\(key)' (\(step.stage.rawValue) takes: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
        }
    }

    func fail(_ text: String) -> OptionError { OptionError(path: step.path, line: step.line, "\(step.stage.rawValue): \(text)") }

    func string(_ key: String) -> String? { step.settings[key] }

    /// An integer within `range`, or nil when absent.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(OptionError) -> Int? {
        guard let text = step.settings[key] else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw fail("'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return v
    }

    /// A finite number within `range`, or nil when absent.
    func number(_ key: String, in range: ClosedRange<Double>) throws(OptionError) -> Double? {
        guard let text = step.settings[key] else { return nil }
        guard let v = Double(text), v.isFinite, range.contains(v) else {
            throw fail("'\(key)' must be a number from \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound)), got '\(text)'")
        }
        return v
    }

    /// One of `E`'s raw values, or nil when absent.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(OptionError) -> E? where E.RawValue == String {
        guard let text = step.settings[key] else { return nil }
        guard let v = E(rawValue: text) else {
            throw fail("'\(key)' must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return v
    }

    static func show(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

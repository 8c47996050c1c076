/// A 1D LUT: `size` entries of RGB outputs, evenly spaced over the input domain
/// [`domainMin`, `domainMax`] per channel. Inputs outside the domain are clamped to it.
public struct LUT1D: Sendable, Equatable {
    public var size: Int
    /// `3 * size` values: entry i is (values[3i], values[3i+1], values[3i+2]).
    public var values: [Float]
    public var domainMin: [Float]
    public var domainMax: [Float]

    public init(size: Int, values: [Float], domainMin: [Float] = [0, 0, 0], domainMax: [Float] = [1, 1, 1]) {
        precondition(size >= 2 && values.count == 3 * size)
        self.size = size; self.values = values; self.domainMin = domainMin; self.domainMax = domainMax
    }

    /// The identity over 0…1.
    public static func identity(size: Int) -> LUT1D {
        LUT1D(size: size, values: (0..<size).flatMap { i -> [Float] in let v = Float(i) / Float(size - 1); return [v, v, v] })
    }

    /// Linear interpolation of channel `c` at `x` (clamped to the domain).
    @inlinable public func evaluate(_ x: Float, channel c: Int) -> Float {
        let lo = domainMin[c], hi = domainMax[c]
        var t = (x - lo) / (hi - lo) * Float(size - 1)
        if !(t > 0) { t = 0 }
        if t > Float(size - 1) { t = Float(size - 1) }
        let i = Swift.min(Int(t), size - 2)
        let f = t - Float(i)
        let a = values[3 * i + c], b = values[3 * (i + 1) + c]
        return a + f * (b - a)
    }
}

/// A 3D LUT: `size`³ RGB nodes over the input domain [`domainMin`, `domainMax`]. Node (r, g, b)
/// is at `values[3 * ((b * size + g) * size + r)]` — red varies fastest, as in `.cube` files.
/// Inputs outside the domain are clamped to it.
public struct LUT3D: Sendable, Equatable {
    public var size: Int
    public var values: [Float]
    public var domainMin: [Float]
    public var domainMax: [Float]
    /// The file's own interpolation (CLF's `interpolation` attribute); nil: the caller's.
    public var interpolation: Interpolation? = nil

    public init(size: Int, values: [Float], domainMin: [Float] = [0, 0, 0], domainMax: [Float] = [1, 1, 1]) {
        precondition(size >= 2 && values.count == 3 * size * size * size)
        self.size = size; self.values = values; self.domainMin = domainMin; self.domainMax = domainMax
    }

    /// The identity over 0…1.
    public static func identity(size: Int) -> LUT3D {
        var v = [Float](repeating: 0, count: 3 * size * size * size)
        let s = Float(size - 1)
        for b in 0..<size { for g in 0..<size { for r in 0..<size {
            let i = 3 * ((b * size + g) * size + r)
            v[i] = Float(r) / s; v[i + 1] = Float(g) / s; v[i + 2] = Float(b) / s
        } } }
        return LUT3D(size: size, values: v)
    }

    /// Builds a LUT by sampling `f` at every node (inputs in the domain).
    public static func sampling(size: Int, domainMin: [Float] = [0, 0, 0], domainMax: [Float] = [1, 1, 1],
                                _ f: (SIMD3<Float>) -> SIMD3<Float>) -> LUT3D {
        var v = [Float](repeating: 0, count: 3 * size * size * size)
        let s = Float(size - 1)
        for b in 0..<size { for g in 0..<size { for r in 0..<size {
            let x = SIMD3<Float>(domainMin[0] + (domainMax[0] - domainMin[0]) * Float(r) / s,
                                 domainMin[1] + (domainMax[1] - domainMin[1]) * Float(g) / s,
                                 domainMin[2] + (domainMax[2] - domainMin[2]) * Float(b) / s)
            let y = f(x)
            let i = 3 * ((b * size + g) * size + r)
            v[i] = y.x; v[i + 1] = y.y; v[i + 2] = y.z
        } } }
        return LUT3D(size: size, values: v, domainMin: domainMin, domainMax: domainMax)
    }
}

/// What a LUT file holds: an optional 1D part applied first (a shaper, or the whole LUT),
/// then an optional 3D part — or, for process-list formats (CLF, CTF, CDL), any sequence of
/// `LUTOperation`s. Parse once (this), compile once (`LUTProcessor`), apply to many.
public struct LUT: Sendable, Equatable {
    public var title: String?
    /// The 1D and 3D parts when the LUT is only those (nil parts otherwise).
    public var oneD: LUT1D?
    public var threeD: LUT3D?
    /// Every step in order (for 1D/3D LUTs: their parts).
    public var operations: [LUTOperation]
    /// The format it was read from ("cube", "3dl", …).
    public var format: String?
    /// Comment lines written before the data (without the comment mark): what the LUT
    /// expects and how it was made.
    public var comments: [String] = []

    public init(title: String? = nil, oneD: LUT1D? = nil, threeD: LUT3D? = nil, format: String? = nil) {
        precondition(oneD != nil || threeD != nil, "a LUT needs a 1D or a 3D part")
        self.title = title; self.oneD = oneD; self.threeD = threeD; self.format = format
        operations = (oneD.map { [LUTOperation.lut1D($0)] } ?? []) + (threeD.map { [LUTOperation.lut3D($0)] } ?? [])
    }

    /// A process list; `oneD`/`threeD` are set when it is only a 1D and/or a 3D LUT.
    public init(title: String? = nil, operations: [LUTOperation], format: String? = nil) {
        precondition(!operations.isEmpty, "a process list needs a step")
        self.title = title; self.operations = operations; self.format = format
        var rest = operations[...]
        if case .lut1D(let l) = rest.first { oneD = l; rest = rest.dropFirst() }
        if case .lut3D(let l) = rest.first { threeD = l; rest = rest.dropFirst() }
        if !rest.isEmpty { oneD = nil; threeD = nil }
    }

    /// True when the LUT is more than a 1D and/or 3D part (so 1D/3D formats must bake it).
    public var isProcessList: Bool { oneD == nil && threeD == nil }

    /// The input domain of the first step (0…1 for steps without one).
    public var domain: (min: [Float], max: [Float]) {
        switch operations.first {
        case .lut1D(let l): return (l.domainMin, l.domainMax)
        case .lut3D(let l): return (l.domainMin, l.domainMax)
        default: return ([0, 0, 0], [1, 1, 1])
        }
    }

    /// "1D", "3D", "1D+3D", or the process list's steps ("Matrix, LUT1D, ASC_CDL").
    public var kind: String {
        if isProcessList { return operations.map(\.name).joined(separator: ", ") }
        switch (oneD != nil, threeD != nil) {
        case (true, true): return "1D+3D"
        case (true, false): return "1D"
        default: return "3D"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// One step of a colour process list (Academy/ASC CLF v3, OpenColorIO CTF, ASC CDL): the
/// operations restore applies in order. Values are normalised (the file's bit depths already
/// divided out): inputs and outputs of every step are floats, 1.0 = full scale.
public enum LUTOperation: Sendable, Equatable {
    case lut1D(LUT1D)
    case lut3D(LUT3D)
    /// `out = M · in + offset`: 9 coefficients row-major, then 3 offsets.
    case matrix([Float])
    case range(RangeOperation)
    case log(LogOperation)
    case cdl(CDL)

    /// The element name CLF uses.
    public var name: String {
        switch self {
        case .lut1D: return "LUT1D"
        case .lut3D: return "LUT3D"
        case .matrix: return "Matrix"
        case .range: return "Range"
        case .log: return "Log"
        case .cdl: return "ASC_CDL"
        }
    }

    /// One colour through the step (the reference; `LUTProcessor` applies lists of them).
    func evaluate(_ c: SIMD3<Float>) -> SIMD3<Float> {
        switch self {
        case .lut1D(let l):
            return SIMD3(l.evaluate(c.x, channel: 0), l.evaluate(c.y, channel: 1), l.evaluate(c.z, channel: 2))
        case .lut3D:
            preconditionFailure("3D steps are applied by their compiled processor")
        case .matrix(let m):
            return SIMD3(m[0] * c.x + m[1] * c.y + m[2] * c.z + m[9],
                         m[3] * c.x + m[4] * c.y + m[5] * c.z + m[10],
                         m[6] * c.x + m[7] * c.y + m[8] * c.z + m[11])
        case .range(let r): return r.evaluate(c)
        case .log(let l): return l.evaluate(c)
        case .cdl(let d): return d.evaluate(c)
        }
    }
}

/// CLF `Range`: `out = (in − minIn) · (maxOut − minOut) / (maxIn − minIn) + minOut`, clamped to
/// the output range unless `clamps` is false. With only the minimums (or only the maximums)
/// it clamps on that side without scaling.
public struct RangeOperation: Sendable, Equatable {
    public var minIn: Float?, maxIn: Float?, minOut: Float?, maxOut: Float?
    public var clamps: Bool
    public init(minIn: Float?, maxIn: Float?, minOut: Float?, maxOut: Float?, clamps: Bool) {
        self.minIn = minIn; self.maxIn = maxIn; self.minOut = minOut; self.maxOut = maxOut; self.clamps = clamps
    }

    func evaluate(_ c: SIMD3<Float>) -> SIMD3<Float> {
        var out = c
        if let a = minIn, let b = maxIn, let lo = minOut, let hi = maxOut {
            let scale = (hi - lo) / (b - a)
            out = (c - SIMD3(repeating: a)) * scale + SIMD3(repeating: lo)
            if clamps { out = out.clamped(lowerBound: SIMD3(repeating: lo), upperBound: SIMD3(repeating: hi)) }
            return out
        }
        if let lo = minOut ?? minIn { out = out.replacing(with: SIMD3(repeating: lo), where: out .< lo) }
        if let hi = maxOut ?? maxIn { out = out.replacing(with: SIMD3(repeating: hi), where: out .> hi) }
        return out
    }
}

/// CLF `Log`: the pure logarithms, and the parametric `linToLog`/`logToLin` (with a linear
/// segment below `linSideBreak` for the camera styles), per channel.
public struct LogOperation: Sendable, Equatable {
    public enum Style: String, Sendable, CaseIterable {
        case log10, antiLog10, log2, antiLog2, linToLog, logToLin, cameraLinToLog, cameraLogToLin
    }
    public struct Params: Sendable, Equatable {
        public var base: Float = 2
        public var linSideSlope: Float = 1, linSideOffset: Float = 0
        public var logSideSlope: Float = 1, logSideOffset: Float = 0
        public var linSideBreak: Float?
        public var linearSlope: Float?
        public init() {}
    }
    public var style: Style
    /// Red, green, blue.
    public var params: [Params]
    public init(style: Style, params: [Params]) { self.style = style; self.params = params }

    func evaluate(_ c: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(channel(c.x, params[0]), channel(c.y, params[1]), channel(c.z, params[2]))
    }

    /// The smallest value a logarithm is taken of (as OpenColorIO: FLT_MIN).
    static let floor = Float.leastNormalMagnitude

    private func channel(_ x: Float, _ p: Params) -> Float {
        switch style {
        case .log10: return log10(Swift.max(x, Self.floor))
        case .antiLog10: return pow(10, x)
        case .log2: return log2(Swift.max(x, Self.floor))
        case .antiLog2: return exp2(x)
        case .linToLog: return linToLog(x, p)
        case .logToLin: return logToLin(x, p)
        case .cameraLinToLog:
            guard let brk = p.linSideBreak else { return linToLog(x, p) }
            let (slope, offset) = linearSegment(p, brk)
            return x <= brk ? slope * x + offset : linToLog(x, p)
        case .cameraLogToLin:
            guard let brk = p.linSideBreak else { return logToLin(x, p) }
            let (slope, offset) = linearSegment(p, brk)
            let yBreak = linToLog(brk, p)
            return x <= yBreak ? (x - offset) / slope : logToLin(x, p)
        }
    }

    private func linToLog(_ x: Float, _ p: Params) -> Float {
        p.logSideSlope * log(Swift.max(p.linSideSlope * x + p.linSideOffset, Self.floor)) / log(p.base) + p.logSideOffset
    }

    private func logToLin(_ y: Float, _ p: Params) -> Float {
        (pow(p.base, (y - p.logSideOffset) / p.logSideSlope) - p.linSideOffset) / p.linSideSlope
    }

    /// The linear segment below the break: the given slope (default: the log curve's slope at
    /// the break), offset for continuity.
    private func linearSegment(_ p: Params, _ brk: Float) -> (Float, Float) {
        let slope = p.linearSlope ?? p.logSideSlope * p.linSideSlope / ((p.linSideSlope * brk + p.linSideOffset) * log(p.base))
        return (slope, linToLog(brk, p) - slope * brk)
    }
}

/// An ASC CDL (v1.2): slope, offset and power per channel, then saturation with Rec.709 luma
/// weights. `Fwd`/`Rev` clamp to 0…1 as the specification does; the `NoClamp` styles do not
/// (negative values then pass the power unchanged), as in OpenColorIO.
public struct CDL: Sendable, Equatable {
    public enum Style: String, Sendable, CaseIterable { case fwd = "Fwd", rev = "Rev", fwdNoClamp = "FwdNoClamp", revNoClamp = "RevNoClamp" }
    public var slope: SIMD3<Float>
    public var offset: SIMD3<Float>
    public var power: SIMD3<Float>
    public var saturation: Float
    public var style: Style
    /// The correction's id (`<ColorCorrection id=…>`), when it has one.
    public var id: String?

    public init(slope: SIMD3<Float> = .one, offset: SIMD3<Float> = .zero, power: SIMD3<Float> = .one, saturation: Float = 1,
                style: Style = .fwd, id: String? = nil) {
        self.slope = slope; self.offset = offset; self.power = power; self.saturation = saturation; self.style = style; self.id = id
    }

    static let luma = SIMD3<Float>(0.2126, 0.7152, 0.0722)

    func evaluate(_ c: SIMD3<Float>) -> SIMD3<Float> {
        let clamps = style == .fwd || style == .rev
        func clamp(_ v: SIMD3<Float>) -> SIMD3<Float> { clamps ? v.clamped(lowerBound: .zero, upperBound: .one) : v }
        func pow1(_ v: Float, _ e: Float) -> Float { v > 0 ? powf(v, e) : v }
        func pow3(_ v: SIMD3<Float>, _ e: SIMD3<Float>) -> SIMD3<Float> {
            SIMD3(pow1(v.x, e.x), pow1(v.y, e.y), pow1(v.z, e.z))  // no array per pixel
        }
        func sat(_ v: SIMD3<Float>, _ s: Float) -> SIMD3<Float> {
            let l = (v * Self.luma).sum()
            return SIMD3(repeating: l) + s * (v - SIMD3(repeating: l))
        }
        if style == .fwd || style == .fwdNoClamp {
            return clamp(sat(pow3(clamp(c * slope + offset), power), saturation))
        }
        let unsat = clamp(sat(clamp(c), 1 / saturation))
        return clamp((pow3(unsat, 1 / power) - offset) / slope)
    }
}


import CRestoreShims
import CTIFF

/// An open libtiff handle with its own error sink (per-handle error capture: parallel readers
/// never see each other's messages). Closed on deinit.
final class TIFFHandle {
    let tif: OpaquePointer
    private let errors: UnsafeMutablePointer<rs_tiff_errors>

    /// Opens `path` with libtiff `mode` ("rm" read without mmap, "w" write, "w8" BigTIFF).
    init?(path: String, mode: String, error: inout String) {
        let errs = UnsafeMutablePointer<rs_tiff_errors>.allocate(capacity: 1)
        errs.initialize(to: rs_tiff_errors())
        guard let t = rs_tiff_open(path, mode, errs) else {
            error = Self.text(errs)
            errs.deallocate()
            return nil
        }
        tif = t
        errors = errs
    }

    deinit {
        TIFFClose(tif)
        errors.deallocate()
    }

    /// libtiff's last error text for this handle ("" when none).
    var lastError: String { Self.text(errors) }

    private static func text(_ e: UnsafeMutablePointer<rs_tiff_errors>) -> String {
        withUnsafeBytes(of: &e.pointee.text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    func u16(_ tag: Int32) -> UInt16? {
        var v: UInt16 = 0
        return rs_tiff_get_u16(tif, UInt32(tag), &v) == 1 ? v : nil
    }
    func u16Defaulted(_ tag: Int32) -> UInt16? {
        var v: UInt16 = 0
        return rs_tiff_get_u16_defaulted(tif, UInt32(tag), &v) == 1 ? v : nil
    }
    func u32(_ tag: Int32) -> UInt32? {
        var v: UInt32 = 0
        return rs_tiff_get_u32(tif, UInt32(tag), &v) == 1 ? v : nil
    }
    func u32Defaulted(_ tag: Int32) -> UInt32? {
        var v: UInt32 = 0
        return rs_tiff_get_u32_defaulted(tif, UInt32(tag), &v) == 1 ? v : nil
    }
    func float(_ tag: Int32) -> Float? {
        var v: Float = 0
        return rs_tiff_get_float(tif, UInt32(tag), &v) == 1 ? v : nil
    }
    func bytes(_ tag: Int32) -> [UInt8]? {
        var count: UInt32 = 0
        var data: UnsafeRawPointer?
        guard rs_tiff_get_bytes(tif, UInt32(tag), &count, &data) == 1, let data, count > 0 else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(count)))
    }
    func extraSamples() -> [UInt16] {
        var count: UInt16 = 0
        var types: UnsafePointer<UInt16>?
        guard rs_tiff_get_extrasamples(tif, &count, &types) == 1, let types else { return [] }
        return Array(UnsafeBufferPointer(start: types, count: Int(count)))
    }

    @discardableResult func set(_ tag: Int32, u16 v: UInt16) -> Bool { rs_tiff_set_u16(tif, UInt32(tag), v) == 1 }
    @discardableResult func set(_ tag: Int32, u32 v: UInt32) -> Bool { rs_tiff_set_u32(tif, UInt32(tag), v) == 1 }
    @discardableResult func set(_ tag: Int32, int v: Int32) -> Bool { rs_tiff_set_int(tif, UInt32(tag), v) == 1 }
    @discardableResult func set(_ tag: Int32, float v: Float) -> Bool { rs_tiff_set_float(tif, UInt32(tag), v) == 1 }
    @discardableResult func set(_ tag: Int32, string v: String) -> Bool { rs_tiff_set_string(tif, UInt32(tag), v) == 1 }
    @discardableResult func set(_ tag: Int32, bytes v: [UInt8]) -> Bool {
        v.withUnsafeBytes { rs_tiff_set_bytes(tif, UInt32(tag), UInt32(v.count), $0.baseAddress) == 1 }
    }
    @discardableResult func setExtraSamples(_ v: [UInt16]) -> Bool {
        v.withUnsafeBufferPointer { rs_tiff_set_extrasamples(tif, UInt16(v.count), $0.baseAddress) == 1 }
    }
}

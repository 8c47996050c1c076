import CRestorePluginABI
#if canImport(Glibc)
import Glibc
#endif

/// A native plugin's shared library, loaded with dlopen and checked against
/// `RESTORE_PLUGIN_ABI_VERSION` (Sources/CRestorePluginABI/include/restore_plugin.h).
/// `process` may be called from several threads at once (the ABI requires plugins to allow it).
public final class NativePlugin: @unchecked Sendable {
    public let manifest: PluginManifest
    /// The library file that was loaded.
    public let library: String
    public let name: String
    /// Context the plugin needs on each side of a tile, in pixels.
    public let halo: Int
    private let handle: UnsafeMutableRawPointer
    private let entry: UnsafePointer<restore_plugin>

    /// The ABI version this build of restore speaks.
    public static var abiVersion: UInt32 { RESTORE_PLUGIN_ABI_VERSION }

    /// Loads the plugin's library: its `files.library` path, else that file name in each of
    /// `searchDirectories` (restore's own folder, where SwiftPM builds the bundled plugins).
    public init(_ manifest: PluginManifest, searchDirectories: [String] = []) throws(PluginError) {
        let lib = try Self.libraryPath(manifest, searchDirectories: searchDirectories)
        guard let h = dlopen(lib, RTLD_NOW | RTLD_LOCAL) else {
            throw PluginError(path: lib, reason: .native, "cannot load: " + (dlerror().map { String(cString: $0) } ?? "dlopen failed"))
        }
        typealias Entry = @convention(c) () -> UnsafePointer<restore_plugin>?
        guard let sym = dlsym(h, "restore_plugin_entry") else {
            dlclose(h)
            throw PluginError(path: lib, reason: .native, "no 'restore_plugin_entry' symbol: not a restore plugin")
        }
        guard let e = unsafeBitCast(sym, to: Entry.self)() else {
            dlclose(h)
            throw PluginError(path: lib, reason: .native, "restore_plugin_entry returned NULL")
        }
        guard e.pointee.abi_version == RESTORE_PLUGIN_ABI_VERSION else {
            let v = e.pointee.abi_version
            dlclose(h)
            throw PluginError(path: lib, reason: .native,
                              "built for plugin ABI version \(v); this restore speaks version \(RESTORE_PLUGIN_ABI_VERSION) (rebuild the plugin against restore_plugin.h)")
        }
        guard e.pointee.process != nil else {
            dlclose(h)
            throw PluginError(path: lib, reason: .native, "the plugin has no process function")
        }
        self.manifest = manifest
        library = lib
        handle = h
        entry = e
        name = e.pointee.name.map { String(cString: $0) } ?? manifest.id
        halo = Int(Swift.max(0, e.pointee.halo))
    }

    deinit { dlclose(handle) }

    /// The plugin's library file: its `files.library` path, else that file name in each of
    /// `searchDirectories`.
    public static func libraryPath(_ manifest: PluginManifest, searchDirectories: [String]) throws(PluginError) -> String {
        guard let declared = manifest.files["library"] else {
            throw PluginError(path: manifest.manifestPath, reason: .native, "'files' has no 'library'")
        }
        let base = declared.split(separator: "/").last.map(String.init) ?? declared
        let candidates = [declared] + searchDirectories.map { $0 + "/" + base }
        guard let lib = candidates.first(where: { access($0, R_OK) == 0 }) else {
            throw PluginError(path: manifest.manifestPath, reason: .native,
                              "library '\(base)' not found (looked in: \(candidates.joined(separator: ", ")))")
        }
        return lib
    }

    /// Runs the plugin on one tile in place. `planes` holds `channels` planes `planeStride`
    /// floats apart, each `width`×`height`; (`x`, `y`) is the tile's origin in the image.
    public func process(_ planes: UnsafeMutablePointer<Float>, planeStride: Int, width: Int, height: Int, channels: Int,
                        x: Int, y: Int, imageWidth: Int, imageHeight: Int, parameters: [Double]) throws(PluginError) {
        var message = [CChar](repeating: 0, count: 512)
        let status = parameters.withUnsafeBufferPointer { p in
            var tile = restore_tile(planes: planes, plane_stride: planeStride, width: Int32(width), height: Int32(height),
                                    channels: Int32(channels), x: Int32(x), y: Int32(y),
                                    image_width: Int32(imageWidth), image_height: Int32(imageHeight),
                                    params: p.baseAddress, param_count: Int32(p.count))
            return entry.pointee.process!(&tile, &message, message.count)
        }
        if status != 0 {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw PluginError(path: library, reason: .failed, "\(name) failed (status \(status))" + (text.isEmpty ? "" : ": " + text))
        }
    }

    /// The parameter values in manifest order: `given` where set, else the defaults (a missing
    /// value without a default is an error naming it).
    public func parameterValues(_ given: [String: Double]) throws(PluginError) -> [Double] {
        for (k, v) in given { try manifest.check(parameter: k, value: v) }
        return try manifest.parameters.map { (p: PluginManifest.Parameter) throws(PluginError) -> Double in
            if let v = given[p.name] ?? p.defaultValue { return v }
            throw PluginError(path: manifest.manifestPath, reason: .invalid, "\(manifest.id): parameter '\(p.name)' has no default; set it in the preset")
        }
    }
}

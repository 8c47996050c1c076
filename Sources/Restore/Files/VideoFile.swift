import Foundation
import RestoreCore
import RestoreIO
#if canImport(Glibc)
import Glibc
#endif

/// Video files through ffmpeg (which must be on `PATH`): `ffprobe` reads the size, frame rate,
/// frame count, timecode and audio; `ffmpeg` decodes the first video stream to 16-bit RGB
/// (`rgb48le`) on a pipe, the plan runs on the frames as a raw stream (`Plan.streamRaw`), and
/// a second `ffmpeg` encodes them at the same frame rate, copying the audio streams and the
/// timecode from the input, into a temporary file renamed over OUT when complete.
///
/// Codecs (`--codec`; default from OUT's extension: .mov → prores, .mkv → ffv1, .mp4 → h264):
/// `prores` (ProRes 4444 XQ, 12-bit 4:4:4), `prores422` (ProRes 422 HQ), `ffv1` (lossless,
/// 16-bit RGB), `h264` (x264 CRF 12, 4:4:4 10-bit), `h265` (x265 CRF 14, 4:4:4 10-bit).
/// `--ffmpeg-args` adds encoder options after ours (split at spaces).
public struct VideoFile: Sendable {
    /// Extensions taken as video (lowercase).
    public static let extensions: Set<String> = ["mov", "mp4", "m4v", "mkv", "avi", "mxf", "webm", "y4m", "mpg", "ts"]
    static let codecs: [String: [String]] = [
        "prores": ["-c:v", "prores_ks", "-profile:v", "5", "-pix_fmt", "yuv444p12le"],
        "prores422": ["-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le"],
        "ffv1": ["-c:v", "ffv1", "-level", "3", "-pix_fmt", "gbrp16le"],
        "h264": ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv444p10le"],
        "h265": ["-c:v", "libx265", "-crf", "14", "-pix_fmt", "yuv444p10le"],
    ]
    static let defaultCodec = ["mov": "prores", "mkv": "ffv1", "mp4": "h264", "m4v": "h264"]

    public let path: String
    public let width: Int, height: Int
    /// `r_frame_rate` as ffprobe gives it (`24000/1001`).
    public let rate: String
    /// Frames in the stream, when the container says.
    public let frames: Int?
    public let timecode: String?
    public let hasAudio: Bool

    public static func isVideo(_ path: String) -> Bool { FileName.extension(of: path).map(extensions.contains) ?? false }

    /// Probes `path` with ffprobe.
    public init(probing path: String) throws {
        guard access(path, R_OK) == 0 else { throw DecodeError(path: path, format: "video", reason: .unreadable, detail: String(cString: strerror(errno))) }
        let out = try Self.capture(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", path], path: path)
        guard let json = try? JSONSerialization.jsonObject(with: out) as? [String: Any],
              let streams = json["streams"] as? [[String: Any]],
              let video = streams.first(where: { $0["codec_type"] as? String == "video" }),
              let w = video["width"] as? Int, let h = video["height"] as? Int, w > 0, h > 0 else {
            throw DecodeError(path: path, format: "video", reason: .corrupt, detail: "ffprobe found no video stream")
        }
        self.path = path
        width = w; height = h
        rate = video["r_frame_rate"] as? String ?? "25/1"
        frames = (video["nb_frames"] as? String).flatMap(Int.init)
        let tags = (video["tags"] as? [String: Any]) ?? [:]
        let formatTags = ((json["format"] as? [String: Any])?["tags"] as? [String: Any]) ?? [:]
        timecode = (tags["timecode"] ?? formatTags["timecode"]
                    ?? streams.compactMap { ($0["tags"] as? [String: Any])?["timecode"] }.first) as? String
        hasAudio = streams.contains { $0["codec_type"] as? String == "audio" }
    }

    /// Runs `argv` (found on PATH) and returns its stdout; a missing tool or a failure is an error naming `path`.
    static func capture(_ argv: [String], path: String) throws -> Data {
        let p = Process()
        p.executableURL = try tool(argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = FileHandle.nullDevice
        try p.run()
        nonisolated(unsafe) var errText = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { errText = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            throw DecodeError(path: path, format: "video", reason: .corrupt, detail: "\(argv[0]): " + lastLines(errText))
        }
        return data
    }

    /// The executable `name` on PATH.
    static func tool(_ name: String) throws -> URL {
        let dirs = (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":")
        for d in dirs where access("\(d)/\(name)", X_OK) == 0 { return URL(fileURLWithPath: "\(d)/\(name)") }
        throw OptionError("video needs \(name), which is not on PATH (Debian: apt-get install ffmpeg)")
    }

    static func lastLines(_ d: Data) -> String {
        String(decoding: d, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: "; ")
    }
}

extension Plan {
    /// Restores the video `input` into `output` (see `VideoFile`); returns the frames written.
    /// `codec` nil: from OUT's extension. Never writes over the input; OUT is replaced only
    /// with `overwrite`.
    @discardableResult
    public func runVideo(input: String, output: String, codec: String? = nil, ffmpegArgs: [String] = [], perFrame: Bool = false,
                         events: @escaping @Sendable (BatchEvent) -> Void = { _ in }) throws -> Int {
        for file in [input] + readFiles { try PathSafety.checkDistinct(input: file, output: output) }
        guard let ext = FileName.extension(of: output), VideoFile.extensions.contains(ext) else {
            throw OptionError(path: output, "a video IN needs a video OUT (.\(VideoFile.extensions.sorted().joined(separator: ", ."))); for frames, use ffmpeg to extract them")
        }
        let name = codec ?? VideoFile.defaultCodec[ext] ?? "ffv1"
        guard let codecArgs = VideoFile.codecs[name] else {
            throw OptionError("--codec must be one of \(VideoFile.codecs.keys.sorted().joined(separator: ", ")), got '\(name)'")
        }
        if !request.overwrite && access(output, F_OK) == 0 { throw EncodeError(path: output, reason: .exists, detail: "") }
        let video = try VideoFile(probing: input)
        let spec = "\(video.width)x\(video.height):rgb48le"
        let out = try outputFormat(forRaw: spec)
        let ffmpeg = try VideoFile.tool("ffmpeg")

        let decoder = Process(), encoder = Process()
        decoder.executableURL = ffmpeg
        decoder.arguments = ["-v", "error", "-nostdin", "-i", input, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb48le", "-"]
        let decoded = Pipe(), decodeErr = Pipe(), encoded = Pipe(), encodeErr = Pipe()
        decoder.standardOutput = decoded; decoder.standardError = decodeErr; decoder.standardInput = FileHandle.nullDevice

        var result = 0
        var inner: (any Error)?
        do {
            try AtomicFile.write(path: output, overwrite: request.overwrite, failure: { kind, detail -> EncodeError in
                EncodeError(path: output, reason: kind == .exists ? .exists : .cannotCreate, detail: detail)
            }) { (tmp: String) throws(EncodeError) in
                do {
                    encoder.executableURL = ffmpeg
                    var args = ["-v", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb48le", "-s", "\(out.width)x\(out.height)",
                                "-r", video.rate, "-i", "-", "-i", input, "-map", "0:v:0"]
                    if video.hasAudio { args += ["-map", "1:a?", "-c:a", "copy"] }
                    args += ["-map_metadata", "1"]
                    if let tc = video.timecode { args += ["-timecode", tc] }
                    let container = ["mkv": "matroska", "m4v": "mp4", "ts": "mpegts", "mpg": "mpeg", "y4m": "yuv4mpegpipe"][ext] ?? ext
                    args += codecArgs + ffmpegArgs + ["-f", container, tmp]
                    encoder.arguments = args
                    encoder.standardInput = encoded; encoder.standardError = encodeErr; encoder.standardOutput = FileHandle.nullDevice
                    try decoder.run()
                    try encoder.run()
                    let logs = [decodeErr, encodeErr].map { pipe -> (DataBox, DispatchSemaphore) in
                        let box = DataBox(), done = DispatchSemaphore(value: 0)
                        DispatchQueue.global().async { box.data = pipe.fileHandleForReading.readDataToEndOfFile(); done.signal() }
                        return (box, done)
                    }
                    var failure: (any Error)?
                    do {
                        result = try streamRaw(spec, input: decoded.fileHandleForReading.fileDescriptor,
                                               output: encoded.fileHandleForWriting.fileDescriptor, perFrame: perFrame,
                                               expectedFrames: video.frames, events: events)
                    } catch { failure = error }
                    try? encoded.fileHandleForWriting.close()
                    if failure != nil && decoder.isRunning { decoder.terminate() }
                    decoder.waitUntilExit(); encoder.waitUntilExit()
                    logs.forEach { $0.1.wait() }
                    if let failure { throw failure }
                    if decoder.terminationStatus != 0 {
                        throw DecodeError(path: input, format: "video", reason: .corrupt, detail: "ffmpeg: " + VideoFile.lastLines(logs[0].0.data))
                    }
                    if encoder.terminationStatus != 0 {
                        throw EncodeError(path: output, reason: .writeFailed, detail: "ffmpeg (--codec \(name)): " + VideoFile.lastLines(logs[1].0.data))
                    }
                    if let n = video.frames, n != result {
                        throw DecodeError(path: input, format: "video", reason: .corrupt, detail: "the container says \(n) frames, ffmpeg decoded \(result)")
                    }
                } catch {
                    inner = error
                    throw EncodeError(path: output, reason: .writeFailed, detail: "")
                }
            }
        } catch {
            throw inner ?? error
        }
        return result
    }
}

final class DataBox: @unchecked Sendable { var data = Data() }

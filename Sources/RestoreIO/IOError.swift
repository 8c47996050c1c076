import RestoreCore

/// A file could not be turned into an `Image`. `detail` carries the evidence: the decoder
/// library's own message (libpng, libtiff, libjpeg) or what we found.
public struct DecodeError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// The file could not be opened or read (missing, unreadable, a folder).
        case unreadable
        /// The file is empty.
        case empty
        /// The bytes match none of the formats we read.
        case unknownFormat
        /// The data is truncated or corrupt (the library's message is in `detail`).
        case corrupt
        /// Valid, but a variant we do not read (e.g. CMYK JPEG, 12-bit TIFF).
        case unsupported
        /// Declared dimensions exceed the pixel limit; nothing was allocated.
        case tooLarge
    }
    public var path: String?
    public var format: String?
    public var reason: Reason
    public var detail: String

    public init(path: String?, format: String?, reason: Reason, detail: String) {
        self.path = path; self.format = format; self.reason = reason; self.detail = detail
    }

    public var message: String {
        let f = format.map { "\($0.uppercased()): " } ?? ""
        switch reason {
        case .unreadable: return "cannot read: \(detail)"
        case .empty: return "file is empty"
        case .unknownFormat: return "unknown image format: \(detail)"
        case .corrupt: return "\(f)truncated or corrupt: \(detail)"
        case .unsupported: return "\(f)unsupported: \(detail)"
        case .tooLarge: return "\(f)\(detail)"
        }
    }
    public var category: ErrorCategory { .inputUnreadable }
}

/// An `Image` could not be written.
public struct EncodeError: RestoreError, Equatable {
    public enum Reason: String, Sendable {
        /// The output (or its temporary file) could not be created.
        case cannotCreate
        /// The output exists and overwriting was not allowed.
        case exists
        /// The output name has an extension we do not write.
        case unknownFormat
        /// The format cannot store this image (e.g. 16-bit JPEG was asked for explicitly).
        case unsupported
        /// The encoder failed while writing (disk full, library error in `detail`).
        case writeFailed
    }
    public var path: String?
    public var reason: Reason
    public var detail: String

    public init(path: String?, reason: Reason, detail: String) {
        self.path = path; self.reason = reason; self.detail = detail
    }
    public var message: String {
        switch reason {
        case .cannotCreate: return "cannot create output: \(detail)"
        case .exists: return "output exists (use --force to overwrite)"
        case .unknownFormat: return "unknown output format \(detail); restore writes " + ImageFormat.allCases.filter { $0.deepest != nil }.map { "." + $0.extensions.joined(separator: "/.") }.joined(separator: ", ")
        case .unsupported: return "cannot write: \(detail)"
        case .writeFailed: return "write failed: \(detail)"
        }
    }
    public var category: ErrorCategory { .outputUnwritable }
}

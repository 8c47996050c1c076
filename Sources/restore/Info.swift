import ArgumentParser
import Restore

/// `restore info FILE [--json]`
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe an image: format, size, channels, depth, compression, layout, alpha, DPI, ICC profile.")

    @Argument(help: "Image file.") var file: String
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        let report = try FileReport(path: file)
        print(json ? report.json : report.text)
    }
}

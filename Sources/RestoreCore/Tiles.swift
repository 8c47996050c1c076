/// An axis-aligned rectangle in pixel coordinates (origin top-left, half-open extents).
public struct Rect: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var area: Int { width * height }

    /// The overlap of two rectangles (empty when they don't meet).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(maxX, other.maxX), y1 = Swift.min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: Swift.max(0, x1 - x0), height: Swift.max(0, y1 - y0))
    }

    /// Grown by `margin` on every side, then clipped to `bounds`.
    public func inset(by margin: Int, clippedTo bounds: Rect) -> Rect {
        Rect(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
            .intersection(bounds)
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// A tile of an image: the region it must produce, and the (larger) region it may read,
/// which includes a halo for neighbourhood operations.
public struct Tile: Sendable, Equatable {
    public var index: Int
    public var region: Rect
    public var input: Rect
}

/// Splits a `width`×`height` image into tiles of at most `size`×`size` (row-major order),
/// each with an input region grown by `halo` (clipped to the image).
public func makeTiles(width: Int, height: Int, size: Int, halo: Int = 0) -> [Tile] {
    precondition(size > 0)
    let bounds = Rect(x: 0, y: 0, width: width, height: height)
    var tiles: [Tile] = []
    var index = 0
    for y in stride(from: 0, to: height, by: size) {
        for x in stride(from: 0, to: width, by: size) {
            let region = Rect(x: x, y: y, width: Swift.min(size, width - x), height: Swift.min(size, height - y))
            tiles.append(Tile(index: index, region: region, input: region.inset(by: halo, clippedTo: bounds)))
            index += 1
        }
    }
    return tiles
}

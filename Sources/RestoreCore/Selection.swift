extension MutableCollection where Self: RandomAccessCollection, Index == Int, Element: Comparable {
    /// The element at offset `k` of the ascending order (`sorted()[k]`) in linear expected time:
    /// quickselect with a median-of-three pivot and three-way partitions (runs of equal values,
    /// as in flat image regions, cost one pass). After 48 rounds — only adversarial orders get
    /// there — the remaining range is sorted instead, so the worst case stays O(n log n).
    /// Reorders the collection. Requires `0 <= k < count`. NaN compares equal to everything
    /// here, as in `sort()`, and ends up wherever the partitions leave it.
    @inlinable
    public mutating func nthSmallest(_ k: Int) -> Element {
        precondition(k >= 0 && k < count, "offset out of range")
        var lo = startIndex, hi = endIndex - 1
        let target = startIndex + k
        for _ in 0..<48 where lo < hi {
            let a = self[lo], b = self[lo + (hi - lo) / 2], c = self[hi]
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            var lt = lo, i = lo, gt = hi  // [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot
            while i <= gt {
                if self[i] < pivot { swapAt(lt, i); lt += 1; i += 1 }
                else if pivot < self[i] { swapAt(i, gt); gt -= 1 }
                else { i += 1 }
            }
            if target < lt { hi = lt - 1 } else if target > gt { lo = gt + 1 } else { return self[target] }
        }
        if lo < hi { self[lo...hi].sort() }
        return self[target]
    }
}

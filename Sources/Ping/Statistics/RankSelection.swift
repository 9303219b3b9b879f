/// The values of given ranks in an unsorted array, without sorting it: a
/// flood's summary asks three percentiles of tens of thousands of round
/// trips, and a sort spends n log n comparisons where selection spends a
/// few times n.
enum RankSelection {
    /// The values of rank `ranks` (0-based, each in `0..<values.count`),
    /// in the order asked. `values` is reordered.
    static func values(ofRanks ranks: [Int], in values: inout [Int]) -> [Int] {
        values.withUnsafeMutableBufferPointer { buffer in
            // Largest rank first: what is left of it after its selection
            // holds every smaller rank, so each search runs over what is left.
            var upper = buffer.count
            for rank in ranks.sorted(by: >) where rank < upper {
                select(rank, in: buffer, below: upper)
                upper = rank
            }
        }
        return ranks.map { values[$0] }
    }

    /// Moves the value of rank `rank` among `values[..<upper]` to index
    /// `rank`, with none greater before it and none smaller after it.
    /// Hoare's FIND (CACM 4(7), 1961, Algorithm 65) as Wirth writes it:
    /// the two scans stop at values equal to the pivot, so runs of equal
    /// round trips split evenly instead of costing n² comparisons. A range
    /// that is still large after many rounds (a pivot unlucky again and
    /// again) is sorted instead: never worse than n log n. The scans never
    /// pass the range's ends (each stops at the pivot or at a value swapped
    /// behind it), so they run on the buffer unchecked.
    static func select(_ rank: Int, in values: UnsafeMutableBufferPointer<Int>, below upper: Int) {
        var low = 0
        var high = upper - 1
        var rounds = 0
        while low < high {
            rounds += 1
            if rounds > 64 {
                var rest = UnsafeMutableBufferPointer(rebasing: values[low...high])
                rest.sort()
                return
            }
            let pivot = values[low + (high - low) / 2]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] <= pivot <= values[i...high], and any
            // between j and i equal the pivot.
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return
            }
        }
    }
}

/// The two moves of a binary min-heap kept in an array, for the server's
/// heaps of deadlines (`DeadlineHeap`, `DelayedReplies`). A conforming heap
/// says how its elements compare and how two of them trade places, so one
/// that keeps each element's index (`DeadlineHeap`) sees every move.
protocol MinHeapOrder {
    var heapCount: Int { get }
    /// Whether the element at `first` must come before the one at `second`.
    func comesBefore(_ first: Int, _ second: Int) -> Bool
    mutating func swapElements(_ first: Int, _ second: Int)
}

extension MinHeapOrder {
    /// Moves the element at `start` up while it comes before its parent.
    mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard comesBefore(child, parent) else { return }
            swapElements(child, parent)
            child = parent
        }
    }

    /// Moves the element at `start` down while a child comes before it.
    mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heapCount && comesBefore(left, smallest) { smallest = left }
            if right < heapCount && comesBefore(right, smallest) { smallest = right }
            if smallest == parent { return }
            swapElements(parent, smallest)
            parent = smallest
        }
    }
}

import Git

/// How far `gpmsync init` has come, for a progress line: what is being done, how much of it, and the bytes
/// received so far (a speed is bytes over time).
public struct CloneProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Objects arriving from central.
        case receiving
        /// Received objects being indexed (their deltas resolved).
        case indexing
        /// Files written into the working tree.
        case checkingOut
    }

    public var phase: Phase
    public var done: Int
    public var total: Int
    public var receivedBytes: Int

    public init(phase: Phase, done: Int, total: Int, receivedBytes: Int) {
        self.phase = phase; self.done = done; self.total = total; self.receivedBytes = receivedBytes
    }

    init(_ transfer: TransferProgress) {
        // Objects are indexed as they arrive; what remains once all are received is resolving the deltas.
        self.init(phase: transfer.receivedObjects < transfer.totalObjects ? .receiving : .indexing,
                  done: transfer.receivedObjects < transfer.totalObjects ? transfer.receivedObjects : transfer.indexedObjects,
                  total: transfer.totalObjects, receivedBytes: transfer.receivedBytes)
    }
}

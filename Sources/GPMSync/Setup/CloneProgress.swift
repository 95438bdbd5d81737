import Git

/// How far `gpmsync init` has come, for a progress line: what is being done, how much of it, and the bytes
/// received so far (a speed is bytes over time).
public struct CloneProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Objects arriving from central.
        case receiving
        /// Deltas of the received pack being resolved into objects.
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
        if transfer.receivedObjects < transfer.totalObjects || transfer.totalDeltas == 0 {
            self.init(phase: .receiving, done: transfer.receivedObjects, total: transfer.totalObjects,
                      receivedBytes: transfer.receivedBytes)
        } else {
            self.init(phase: .indexing, done: transfer.indexedDeltas, total: transfer.totalDeltas,
                      receivedBytes: transfer.receivedBytes)
        }
    }
}

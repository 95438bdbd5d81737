import Foundation

/// A flag set once, read from several threads: the daemon's watcher is told to stop with one, and an
/// export's workers stop starting periods with one once a period cannot be protected.
public final class ManagedAtomicFlag: @unchecked Sendable { // @unchecked: `value` is only touched holding `lock`.
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
}

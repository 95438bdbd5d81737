import Foundation

/// Lock-out after repeated failures: a user name that failed `limit` times within `window` cannot sign in,
/// with any password, until `window` has passed since its last failure. Kept in memory: a restart forgets
/// it, which costs an attacker a restart of the console they cannot cause.
public actor SignInGuard {
    public let limit: Int
    public let window: Duration
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    private let clock = ContinuousClock()

    public init(limit: Int = 5, window: Duration = .seconds(15 * 60)) {
        self.limit = limit
        self.window = window
    }

    /// True when `user` is locked out now.
    public func isLocked(_ user: String) -> Bool {
        prune(user)
        return (failures[user]?.count ?? 0) >= limit
    }

    public func failed(_ user: String) {
        prune(user)
        failures[user, default: []].append(clock.now)
        // Bounded memory whatever names are tried: forget the oldest names first.
        if failures.count > 10_000, let oldest = failures.min(by: { ($0.value.last ?? clock.now) < ($1.value.last ?? clock.now) })?.key {
            failures[oldest] = nil
        }
    }

    public func succeeded(_ user: String) { failures[user] = nil }

    private func prune(_ user: String) {
        guard let list = failures[user], let last = list.last else { return }
        if clock.now - last > window { failures[user] = nil }
    }
}

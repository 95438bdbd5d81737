import Foundation
import GPMCore
import GPMSync
#if canImport(Glibc)
import Glibc
#endif

/// One line on standard error that a long step rewrites in place ("\r"), as git's own progress does:
/// what is being done, how much of it, and the speed. Shown on a terminal; quiet otherwise unless forced.
final class ProgressLine: @unchecked Sendable {
    private let language: Language
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private var lastPhase: CloneProgress.Phase?
    private var lastText = ""

    private init(language: Language) { self.language = language }

    /// A progress line when standard error is a terminal or `forced`; nil means say nothing.
    static func make(forced: Bool, language: Language) -> ProgressLine? {
        forced || isatty(STDERR_FILENO) == 1 ? ProgressLine(language: language) : nil
    }

    /// Redraws at most ten times a second, and always at the end of a phase and when a new one begins.
    func report(_ p: CloneProgress) {
        lock.withLock {
            let now = ContinuousClock.now
            let newPhase = p.phase != lastPhase
            let finished = p.total > 0 && p.done >= p.total
            if !newPhase && !finished, let last = lastDrawn, now - last < .milliseconds(100) { return }
            if newPhase, p.phase == .indexing {
                // Everything has been received: that line ends at 100 %, even when no callback came
                // between the first object and the last.
                write("\r" + text(CloneProgress(phase: .receiving, done: p.total, total: p.total, receivedBytes: p.receivedBytes), at: now) + "\n")
            } else if newPhase, lastPhase != nil {
                write("\n")
            }
            if !newPhase && finished && lastText == text(p, at: now) { return }
            lastPhase = p.phase
            lastDrawn = now
            lastText = text(p, at: now)
            write("\r" + lastText)
        }
    }

    /// Ends the line, so what follows starts on its own.
    func finish() {
        lock.withLock { if lastPhase != nil { write("\n"); lastPhase = nil } }
    }

    private func text(_ p: CloneProgress, at now: ContinuousClock.Instant) -> String {
        let percent = p.total > 0 ? min(100, p.done * 100 / p.total) : 0
        let counts = "\(percent)% (\(p.done)/\(p.total))"
        let seconds = Double((now - started).components.attoseconds) / 1e18 + Double((now - started).components.seconds)
        let tr = language == .tr
        switch p.phase {
        case .receiving:
            let speed = seconds > 0 ? Double(p.receivedBytes) / seconds : 0
            return (tr ? "Nesneler alınıyor: " : "Receiving objects: ") + counts
                + ", \(Self.size(Double(p.receivedBytes))) | \(Self.size(speed))/s"
        case .indexing:
            return (tr ? "Nesneler dizinleniyor: " : "Indexing objects: ") + counts
        case .checkingOut:
            return (tr ? "Dosyalar yazılıyor: " : "Checking out files: ") + counts
        }
    }

    private static func size(_ bytes: Double) -> String {
        let mebibyte = 1_048_576.0
        return bytes >= mebibyte ? String(format: "%.2f MiB", bytes / mebibyte) : String(format: "%.1f KiB", bytes / 1024)
    }

    private func write(_ s: String) {
        // Only counts and the program's own words: nothing here comes from outside, so nothing to escape.
        FileHandle.standardError.write(Data(s.utf8))
    }
}

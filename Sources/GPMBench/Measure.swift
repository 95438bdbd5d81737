import Foundation

/// Timing helpers for the benchmarks: wall time of a closure or of a shell command, medians.
public enum Measure {
    public static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        let d = ContinuousClock.now - start
        return (value, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    /// Runs `sh -c command` in `directory`; throws when it fails.
    @discardableResult
    public static func shell(_ command: String, in directory: String, environment: [String: String] = [:]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["GIT_AUTHOR_NAME"] = "bench"; env["GIT_AUTHOR_EMAIL"] = "bench@example.invalid"
        env["GIT_COMMITTER_NAME"] = "bench"; env["GIT_COMMITTER_EMAIL"] = "bench@example.invalid"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "bench", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "\(command): \(text)"])
        }
        return text
    }

    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

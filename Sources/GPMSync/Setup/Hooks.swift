import Foundation

/// Installs gpmsync's git hooks into a repository's hooks folder.
enum HookInstaller {
    /// Writes the hook, pinning the path of the running gpmsync binary so the hook works without PATH
    /// (git daemons and sshd run hooks with a minimal environment).
    static func install(_ name: String, gitDirectory: String) throws {
        guard let text = EmbeddedTemplate.hooks[name] else { return }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? binary
        let pinned = text.replacingOccurrences(of: "${GPMSYNC_BIN:-gpmsync}", with: "${GPMSYNC_BIN:-\(resolved)}")
        let path = gitDirectory + "hooks/" + name
        try AtomicFile.write(pinned, to: path, mode: 0o755)
    }
}

import Foundation

/// Installs gpmsync's git hooks into a repository's hooks folder.
enum HookInstaller {
    /// Writes the hook, pinning the path of the running gpmsync binary so the hook works without PATH
    /// (git daemons and sshd run hooks with a minimal environment).
    static func install(_ name: String, gitDirectory: String) throws {
        guard let text = EmbeddedTemplate.hooks[name] else { return }
        let pinned = text.replacingOccurrences(of: "${GPMSYNC_BIN:-gpmsync}", with: "${GPMSYNC_BIN:-\(Executable.path)}")
        let path = gitDirectory + "hooks/" + name
        try AtomicFile.write(pinned, to: path, mode: 0o755)
    }
}

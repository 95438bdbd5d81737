import Foundation

/// The running program's own file: hooks pin it (git daemons and sshd run hooks without PATH), the daemon
/// runs each sync as a child of it, and the benchmarks find the `gpmsync` installed beside them.
public enum Executable {
    /// The absolute path of the running executable (Linux's /proc/self/exe, else the first argument).
    public static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// A program named `name` in the running executable's folder.
    public static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
    }
}

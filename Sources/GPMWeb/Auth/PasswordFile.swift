import Foundation
import GPMSync
import HummingbirdBcrypt

/// The console's passwords: `user:bcrypt-hash` lines in a file outside the central repository (mode 0600),
/// set by `gpmsync serve passwd USER`. Read on every sign-in, so a changed or removed password takes effect
/// at once without restarting the console.
public struct PasswordFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `$XDG_CONFIG_HOME/gpmsync/console-passwords`, else `$HOME/.config/gpmsync/console-passwords`.
    public static func defaultPath() -> String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/gpmsync/console-passwords" }
        return (env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.config/gpmsync/console-passwords"
    }

    /// The bcrypt cost of new hashes: 12 makes one guess take about a quarter of a second.
    public static let cost: UInt8 = 12
    /// Longer passwords are refused: bcrypt reads only the first 72 bytes, and a longer one would be
    /// silently shortened.
    public static let maximumPasswordBytes = 72

    func entries() -> [(user: String, hash: String)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let colon = line.lastIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[colon...].dropFirst()))
        }
    }

    /// True when `user` has a password here and `password` matches it.
    public func verify(user: String, password: String) -> Bool {
        guard password.utf8.count <= Self.maximumPasswordBytes,
              let hash = entries().last(where: { $0.user == user })?.hash else {
            // Spend the same time as a real check, so a timing does not tell which users have a password.
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Sets (or replaces) `user`'s password; the file is written atomically with mode 0600.
    public func set(user: String, password: String) throws {
        guard !user.isEmpty, !user.contains(":"), !user.contains("\n"), user.trimmingCharacters(in: .whitespaces) == user else {
            throw GPMError(.usage, en: "'\(user)' cannot be a user name here", tr: "'\(user)' burada kullanıcı adı olamaz")
        }
        guard password.count >= 10 else {
            throw GPMError(.usage, en: "the password must have at least 10 characters", tr: "parola en az 10 karakter olmalı")
        }
        guard password.utf8.count <= Self.maximumPasswordBytes else {
            throw GPMError(.usage, en: "the password must have at most 72 bytes (bcrypt reads no more)", tr: "parola en çok 72 bayt olabilir (bcrypt fazlasını okumaz)")
        }
        var lines = entries().filter { $0.user != user }.map { "\($0.user):\($0.hash)" }
        lines.append("\(user):\(Bcrypt.hash(password, cost: Self.cost))")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: path, mode: 0o600)
    }

    /// Refuses a password file that others can read, or one inside the central repository (which every
    /// clone would fetch, were it ever committed).
    public func check(centralDirectory: String) throws {
        let central = URL(fileURLWithPath: centralDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let me = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if me == central || me.hasPrefix(central.hasSuffix("/") ? central : central + "/") {
            throw GPMError(.usage, en: "the password file \(path) is inside the central repository; keep it outside",
                           tr: "\(path) parola dosyası merkez deponun içinde; dışarıda tutun")
        }
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
            throw GPMError(.usage, en: "the password file \(path) can be read by others; chmod 600 it",
                           tr: "\(path) parola dosyasını başkaları okuyabiliyor; chmod 600 yapın")
        }
    }

    /// A hash of a random password, checked against when a user has none.
    static let decoy = Bcrypt.hash(UUID().uuidString, cost: cost)
}

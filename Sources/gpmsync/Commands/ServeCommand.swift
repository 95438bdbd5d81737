import ArgumentParser
import Foundation
import GPMSync
import GPMWeb

/// `gpmsync serve`: the reviewers' web console on the central repository; `serve passwd USER` sets a password.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The reviewers' web console: queue, contributions, decisions, completeness, good practices.",
        subcommands: [Run.self, Passwd.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the console (the default: gpmsync serve --central DIR).")

        @Option(help: "The central bare repository (a local path).") var central: String?
        @Option(help: "Where to listen, ADDRESS:PORT.") var listen: String = "127.0.0.1:8080"
        @Option(help: "The password file (default: $XDG_CONFIG_HOME/gpmsync/console-passwords).") var passwords: String?
        @Flag(help: "Take the user from the REMOTE_USER header that a reverse proxy sets (listen on loopback only).") var trustProxy = false
        @Flag(help: "Mark the session cookie Secure: browsers reach the console through TLS.") var secureCookies = false
        @OptionGroup var options: RepositoryOptions

        func run() async throws {
            guard let central else { throw GPMError(.usage, en: "give --central DIR, the central bare repository", tr: "--central DİZİN verin: merkez çıplak depo") }
            let (host, port) = try ConsoleConfiguration.parseListen(listen)
            if trustProxy, !["127.0.0.1", "::1", "localhost"].contains(host) {
                throw GPMError(.usage, en: "--trust-proxy needs --listen on a loopback address: only the proxy may reach the console",
                               tr: "--trust-proxy için --listen bir geri döngü adresi olmalı: konsola yalnızca vekil sunucu erişmeli")
            }
            try await Console.run(ConsoleConfiguration(
                central: central, host: host, port: port, passwords: PasswordFile(path: passwords ?? PasswordFile.defaultPath()),
                trustProxy: trustProxy, secureCookies: secureCookies || trustProxy))
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Set a reviewer's console password (read from the terminal, or one line of standard input).")

        @Argument(help: "The user, as in access.csv.") var user: String
        @Option(help: "The password file (default: $XDG_CONFIG_HOME/gpmsync/console-passwords).") var passwords: String?
        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let file = PasswordFile(path: passwords ?? PasswordFile.defaultPath())
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                let first = try readHidden(options.language == .tr ? "\(user) için yeni parola: " : "New password for \(user): ")
                let again = try readHidden(options.language == .tr ? "Parolayı yineleyin: " : "Repeat the password: ")
                guard first == again else { throw GPMError(.usage, en: "the two passwords differ", tr: "iki parola farklı") }
                password = first
            } else {
                password = readLine(strippingNewline: true) ?? ""
            }
            try file.set(user: user, password: password)
            say(options.language, "password set for \(user) in \(file.path)", "\(user) için parola \(file.path) dosyasına yazıldı")
        }

        /// A line from the terminal without echo.
        func readHidden(_ prompt: String) throws -> String {
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
            defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved); FileHandle.standardError.write(Data("\n".utf8)) }
            return readLine(strippingNewline: true) ?? ""
        }
    }
}

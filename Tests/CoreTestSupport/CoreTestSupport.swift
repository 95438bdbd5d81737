import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder removed when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    public init(_ name: String = "gpmsync-test") {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(name)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func sub(_ name: String) -> String { path + "/" + name }
}

/// The result of running a program.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion, capturing its output.
@discardableResult
public func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String] = [:], input: String? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    p.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let errBox = DataBox()
    let errHandle = err.fileHandleForReading
    Thread { errBox.data = errHandle.readDataToEndOfFile(); errBox.done.signal() }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errBox.done.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// Runs the git CLI, the second client of every test; throws when it fails.
@discardableResult
public func git(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                input: String? = nil) throws -> String {
    let r = try run("/usr/bin/git", arguments, in: directory, environment: environment.merging(
        ["GIT_AUTHOR_NAME": "cli", "GIT_AUTHOR_EMAIL": "cli@example.invalid",
         "GIT_COMMITTER_NAME": "cli", "GIT_COMMITTER_EMAIL": "cli@example.invalid"], uniquingKeysWith: { a, _ in a }), input: input)
    guard r.status == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
    return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Polls `condition` until it holds or the deadline passes; no fixed sleeps.
public func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// The built gpmsync binary beside the test bundle.
public var gpmsyncBinary: String {
    let candidates = [
        Bundle.main.bundleURL.appendingPathComponent("gpmsync").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("gpmsync").path,
    ]
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent(".build/debug/gpmsync").path
}

/// `gpmsync-bench`, built beside gpmsync: the Marmara-scale generator.
public var gpmsyncBenchBinary: String {
    URL(fileURLWithPath: gpmsyncBinary).deletingLastPathComponent().appendingPathComponent("gpmsync-bench").path
}

/// Writes a file, creating its folders.
public func write(_ text: String, to path: String, mode: Int = 0o644) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    chmod(path, mode_t(mode))
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// The package's root folder (where Package.swift is).
public var packageRoot: String {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.path
}

/// A working copy of Repos/template in a temporary folder, to put test files into.
public func templateCopy(_ dir: TemporaryDirectory, name: String = "repo") throws -> String {
    let dest = dir.sub(name)
    try FileManager.default.copyItem(atPath: packageRoot + "/Repos/template", toPath: dest)
    return dest
}

/// SplitMix64: a seeded generator, so a property test that fails fails again with the same cases.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The repository template's files (Repos/template), by path: what `gpmsync central init` writes to main.
public func templateFiles() throws -> [String: String] {
    let root = packageRoot + "/Repos/template"
    var files: [String: String] = [:]
    let walker = FileManager.default.enumerator(atPath: root)
    while let relative = walker?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        files[relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }
    return files
}

/// A good-practice document of Kadıköy as staff write one; `summary` is the text under "## Özet".
public func samplePractice(summary: String = "Haftada üç gün Türkçe kursu.") -> String {
    """
    ---
    id: gp-2025-01-women-language-course
    title:
      tr: Göçmen kadınlar için Türkçe ve mesleki beceri kursu
      en: Turkish and vocational skills course for migrant women
    municipality: 34-kadikoy
    period:
      start: 2025-01-15
    status: ongoing
    themes: [language, women, employment]
    target_groups: [women under temporary protection]
    contact:
      unit: Sosyal Destek Hizmetleri Müdürlüğü
    ---
    ## Özet
    \(summary)

    ## Bağlam
    Kadın katılımcıların çoğu çocuk bakımı nedeniyle kurslara devam edemiyordu.

    ## Faaliyetler
    Türkçe A1–A2, dikiş ve bilgisayar okuryazarlığı modülleri.

    ## Sonuçlar
    İlk dönemde 48 kayıt, 39 tamamlama.

    ## Çıkarılan dersler
    Çocuk bakımı olmadan kadınların katılımı düşük kalıyor.

    """
}

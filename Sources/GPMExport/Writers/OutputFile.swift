import Foundation
import GPMCore
import GPMSync

/// A file the export writes as it goes: buffered, written under a temporary name and renamed into place by
/// `commit()`, so an export that fails half-way leaves no half file where a published one is expected.
final class OutputFile {
    let path: String
    private let temporary: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var rows = 0
    /// The first write that failed (a full disk): what was buffered is dropped, and `commit()` throws it,
    /// so the file is never put in place.
    private var failure: (any Error)?

    init(_ path: String) throws {
        self.path = path
        temporary = path + ".tmp-\(getpid())"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GPMError(.usage, en: "cannot write \(path): \(String(cString: strerror(errno)))",
                           tr: "\(path) dosyası yazılamadı: \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        close(fd)
        unlink(temporary)
    }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfFull()
    }

    func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// Writes the buffer once it holds a mebibyte; a failure is kept for `commit()`.
    private func flushIfFull() {
        guard buffer.count >= 1 << 20 else { return }
        do { try flush() } catch {
            if failure == nil { failure = error }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// One CSV row, each field quoted only when it must be (RFC 4180).
    func appendRow(_ fields: [String]) {
        for (k, f) in fields.enumerated() {
            if k > 0 { buffer.append(UInt8(ascii: ",")) }
            appendCSVField(f)
        }
        buffer.append(0x0A)
        rows += 1
        flushIfFull()
    }

    func appendCSVField(_ f: String) { CSV.appendField(f, to: &buffer) }

    /// `count` rows that `body` writes straight into the buffer, each ending in a line feed (no `String`
    /// per field: an export writes millions of them).
    func appendRows(_ count: Int, _ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        rows += count
        flushIfFull()
    }

    /// A JSON string literal, every control character escaped.
    func appendJSONString(_ s: String) {
        buffer.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x00..<0x20, 0x7F:
                buffer.append(contentsOf: Array(String(format: "\\u%04x", UInt32(b)).utf8))
            default: buffer.append(b)
            }
        }
        buffer.append(0x22)
    }

    func countRow() { rows += 1 }

    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw GPMError(.usage, en: "cannot write \(path): \(String(cString: strerror(errno)))",
                               tr: "\(path) dosyası yazılamadı: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and puts the file in place.
    func commit() throws {
        if let failure { throw failure }
        try flush()
        guard rename(temporary, path) == 0 else {
            throw GPMError(.usage, en: "cannot write \(path): \(String(cString: strerror(errno)))",
                           tr: "\(path) dosyası yazılamadı: \(String(cString: strerror(errno)))")
        }
    }
}

/// Where a file sits in a data repository, and so what it is and who owns it.
public enum RepositoryPath: Equatable, Sendable {
    case dataPackage
    case codeList(String)
    case access
    case readme
    /// `exports/<name>.yaml`: how `gpmsync export` maps the datasets to another system (DHIS2, HXL).
    case exportMapping(String)
    case profile(orgUnit: String)
    case record(orgUnit: String, dataset: String, period: String)
    case practice(orgUnit: String, id: String)
    /// Not part of the layout: rejected with `path-not-allowed`.
    case notAllowed

    /// Classifies a path relative to the repository root.
    public init(_ path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where parts[0] == "datapackage.json": self = .dataPackage
        case 1 where parts[0] == "access.csv": self = .access
        case 1 where ["README.md", ".gitignore", ".gitattributes"].contains(parts[0]): self = .readme
        case 2 where parts[0] == "codelists" && parts[1].hasSuffix(".csv") && isSlug(String(parts[1].dropLast(4)), allowUnderscore: true):
            self = .codeList(String(parts[1].dropLast(4)))
        case 2 where parts[0] == "exports" && parts[1].hasSuffix(".yaml") && isSlug(String(parts[1].dropLast(5)), allowUnderscore: true):
            self = .exportMapping(String(parts[1].dropLast(5)))
        case 3 where parts[0] == "municipalities" && isOrgUnit(parts[1]) && parts[2] == "profile.yaml":
            self = .profile(orgUnit: parts[1])
        case 4 where parts[0] == "municipalities" && isOrgUnit(parts[1]) && parts[2] == "practices"
                && parts[3].hasSuffix(".md") && isSlug(String(parts[3].dropLast(3)), allowUnderscore: false):
            self = .practice(orgUnit: parts[1], id: String(parts[3].dropLast(3)))
        case 5 where parts[0] == "municipalities" && isOrgUnit(parts[1]) && parts[2] == "data"
                && isSlug(parts[3], allowUnderscore: true) && parts[4].hasSuffix(".csv"):
            self = .record(orgUnit: parts[1], dataset: parts[3], period: String(parts[4].dropLast(4)))
        default: self = .notAllowed
        }
    }

    /// The path this location names, relative to the repository root (nil for `.notAllowed`): the one
    /// place paths of the layout are assembled, as `init` is the one place they are read.
    public var path: String? {
        switch self {
        case .dataPackage: return "datapackage.json"
        case .access: return "access.csv"
        case .readme: return "README.md"
        case .codeList(let name): return "codelists/\(name).csv"
        case .exportMapping(let name): return "exports/\(name).yaml"
        case .profile(let org): return Self.folder(of: org) + "/profile.yaml"
        case .record(let org, let dataset, let period): return Self.folder(of: org) + "/data/\(dataset)/\(period).csv"
        case .practice(let org, let id): return Self.folder(of: org) + "/practices/\(id).md"
        case .notAllowed: return nil
        }
    }

    /// A municipality's own folder: everything under it is that municipality's alone.
    public static func folder(of org: String) -> String { "municipalities/" + org }

    /// The municipality that owns the path; nil for GPM-owned files.
    public var orgUnit: String? {
        switch self {
        case .profile(let o), .record(let o, _, _), .practice(let o, _): return o
        default: return nil
        }
    }

    public var isGPMOwned: Bool {
        switch self {
        case .dataPackage, .codeList, .access, .readme, .exportMapping: return true
        default: return false
        }
    }
}

/// Temporaries of LibreOffice, Excel, vim and Emacs, vim's write test, and gpmsync's own atomic writes:
/// never watched, validated or recorded (the template's .gitignore lists the same patterns).
public func isEditorTemporary(_ name: String) -> Bool {
    (name.hasPrefix(".~lock.") && name.hasSuffix("#")) || name.hasPrefix("~$") || name.hasSuffix(".swp")
        || name.hasSuffix(".swx") || name.hasSuffix(".tmp") || name.hasPrefix(".#") || name == "4913" || name.hasSuffix("~")
        || (name.hasPrefix(".") && name.contains(".tmp-"))
}

/// `<plate>-<ascii slug>`: two digits, a dash, lower-case ASCII letters, digits and dashes.
public func isOrgUnit(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count >= 4, u[0].isDigit, u[1].isDigit, u[2] == UInt8(ascii: "-") else { return false }
    return isSlug(String(s.dropFirst(3)), allowUnderscore: false)
}

func isSlug(_ s: String, allowUnderscore: Bool) -> Bool {
    guard let first = s.utf8.first, first != UInt8(ascii: "-"), s.utf8.last != UInt8(ascii: "-") else { return false }
    return s.utf8.allSatisfy { $0.isLowerASCII || $0.isDigit || $0 == UInt8(ascii: "-") || (allowUnderscore && $0 == UInt8(ascii: "_")) }
}

/// Folds Turkish letters to ASCII and makes a slug: `Büyükçekmece` → `buyukcekmece`.
public func asciiSlug(_ name: String) -> String {
    let fold: [Character: String] = ["ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ü": "u", "Ü": "u",
                                     "ö": "o", "Ö": "o", "ç": "c", "Ç": "c", "â": "a", "î": "i", "û": "u"]
    var out = ""
    var dash = false
    for ch in name {
        let s = (fold[ch] ?? String(ch)).lowercased()
        if s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            if dash && !out.isEmpty { out += "-" }
            dash = false
            out += s
        } else {
            dash = true
        }
    }
    return out
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLowerASCII: Bool { self >= 0x61 && self <= 0x7A }
}

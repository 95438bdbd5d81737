/// The bilingual texts of every rule, in one place so both languages stay in step.
enum Messages {
    static func encoding() -> Message {
        Message(en: "the file is not valid UTF-8 (save it as UTF-8)", tr: "dosya geçerli UTF-8 değil (UTF-8 olarak kaydedin)")
    }
    static func nulByte() -> Message {
        Message(en: "the file contains a NUL byte", tr: "dosya NUL baytı içeriyor")
    }
    static func tooLarge(_ size: Int) -> Message {
        Message(en: "the file is \(size) bytes; the limit is 10 MiB", tr: "dosya \(size) bayt; sınır 10 MiB")
    }
    static func pathNotAllowed() -> Message {
        Message(en: "this file is not part of the repository layout",
                tr: "bu dosya depo düzenine uymuyor")
    }
    static func nameNotUTF8() -> Message {
        Message(en: "this name is not UTF-8 text (a program wrote it in another encoding), so it cannot be read or recorded; rename it",
                tr: "bu ad UTF-8 metin değil (bir program başka bir kodlamayla yazmış), bu yüzden okunamıyor ve kaydedilemiyor; yeniden adlandırın")
    }
    static func symlink() -> Message {
        Message(en: "symbolic links are not allowed", tr: "sembolik bağlantılara izin verilmez")
    }
    static func unknownDataset(_ name: String) -> Message {
        Message(en: "no dataset named '\(name)' in datapackage.json", tr: "datapackage.json içinde '\(name)' adlı veri seti yok")
    }
    static func badPeriod(_ p: String, _ type: PeriodType) -> Message {
        let example = ["year": "2025", "quarter": "2025Q1", "month": "2025-03"][type.rawValue]!
        let tr = ["year": "yıllık", "quarter": "çeyreklik", "month": "aylık"][type.rawValue]!
        return Message(en: "'\(p)' is not a \(type.rawValue) period (like \(example))",
                       tr: "'\(p)' \(tr) bir dönem değil (örnek: \(example))")
    }
    static func futurePeriod(_ p: String) -> Message {
        Message(en: "period \(p) has not begun yet", tr: "\(p) dönemi henüz başlamadı")
    }
    static func malformed(_ what: String) -> Message {
        Message(en: "malformed CSV: \(what)", tr: "bozuk CSV: \(what == "a quoted field is never closed" ? "tırnaklı alan kapanmıyor" : "tırnak işareti hatalı")")
    }
    static func emptyFile() -> Message {
        Message(en: "the file is empty: it needs at least the header row", tr: "dosya boş: en az başlık satırı gerekli")
    }
    static func incorrectLabel(_ got: String, _ want: String) -> Message {
        Message(en: "column header '\(got)' should be '\(want)'", tr: "sütun başlığı '\(got)' yerine '\(want)' olmalı")
    }
    static func missingLabel(_ want: String) -> Message {
        Message(en: "column '\(want)' is missing from the header", tr: "'\(want)' sütunu başlıkta yok")
    }
    static func extraLabel(_ got: String) -> Message {
        Message(en: "column '\(got)' is not in the schema", tr: "'\(got)' sütunu şemada yok")
    }
    static func blankRow() -> Message {
        Message(en: "the row is blank", tr: "satır boş")
    }
    static func missingCell(_ f: String) -> Message {
        Message(en: "the row has no cell for '\(f)'", tr: "satırda '\(f)' hücresi yok")
    }
    static func extraCell(_ n: Int) -> Message {
        Message(en: "the row has \(n) cell(s) more than the header", tr: "satırda başlıktan \(n) fazla hücre var")
    }
    static func typeError(_ v: String, _ t: Field.Kind) -> Message {
        let tr = ["integer": "tam sayı", "number": "sayı", "boolean": "mantıksal değer", "date": "tarih (YYYY-AA-GG)"][t.rawValue] ?? t.rawValue
        return Message(en: "'\(v)' is not a valid \(t.rawValue)", tr: "'\(v)' geçerli bir \(tr) değil")
    }
    static func required() -> Message {
        Message(en: "a value is required", tr: "değer zorunludur")
    }
    static func constraint(_ v: String, _ what: String, _ whatTR: String) -> Message {
        Message(en: "'\(v)' \(what)", tr: "'\(v)' \(whatTR)")
    }
    static func primaryKey(_ key: String, _ first: Int) -> Message {
        Message(en: "the key (\(key)) already appears on line \(first)", tr: "(\(key)) anahtarı \(first). satırda zaten var")
    }
    static func emptyKey(_ f: String) -> Message {
        Message(en: "key column '\(f)' is empty", tr: "anahtar sütunu '\(f)' boş")
    }
    static func foreignKey(_ v: String, _ list: String) -> Message {
        Message(en: "'\(v)' is not a code of the \(list) code list", tr: "'\(v)', \(list) kod listesinde yok")
    }
    static func totalMismatch(_ m: String, _ dim: String, _ total: Int, _ detail: String, _ detailTR: String) -> Message {
        Message(en: "\(m): the ALL row over \(dim) is \(total), but \(detail)",
                tr: "\(m): \(dim) için toplam (ALL) satırı \(total), ancak \(detailTR)")
    }
    static func partExceeds(_ m: String, _ dim: String, _ part: Int, _ total: Int, _ allLine: Int) -> Message {
        Message(en: "\(m) = \(part) is larger than its ALL row over \(dim) (\(total), line \(allLine))",
                tr: "\(m) = \(part), \(dim) için toplam (ALL) satırından (\(total), \(allLine). satır) büyük")
    }
    static func contactsBelow(_ f: String, _ v: Int, _ other: String, _ w: Int) -> Message {
        Message(en: "\(f) (\(v)) is below \(other) (\(w))", tr: "\(f) (\(v)), \(other) (\(w)) değerinden küçük")
    }
    static func missingReasonNeeded(_ f: String) -> Message {
        Message(en: "\(f) is empty but missing_reason is not given", tr: "\(f) boş ama missing_reason belirtilmemiş")
    }
    static func suppressedWithValue(_ f: String) -> Message {
        Message(en: "\(f) has a value although missing_reason is 'suppressed'", tr: "missing_reason 'suppressed' olduğu halde \(f) dolu")
    }
    static func smallCell(_ f: String, _ v: Int) -> Message {
        Message(en: "\(f) = \(v) is a small cell (1–4); it will be suppressed in publications",
                tr: "\(f) = \(v) küçük hücre (1–4); yayınlarda gizlenecek")
    }
    static func moreLikeThis(_ n: Int) -> Message {
        Message(en: "\(n) more like this (--all lists each one)", tr: "buna benzer \(n) bulgu daha (--all hepsini listeler)")
    }
    static func pii(_ kind: String, _ kindTR: String) -> Message {
        Message(en: "looks like \(kind); personal data must never be entered (the file will not be committed)",
                tr: "\(kindTR) gibi görünüyor; kişisel veri girilemez (dosya kaydedilmeyecek)")
    }
    static func frontMatter(_ why: String) -> Message {
        Message(en: "the YAML front matter is not valid: \(why)", tr: "YAML ön bilgisi geçerli değil: \(why)")
    }
    static func missingField(_ f: String) -> Message {
        Message(en: "required field '\(f)' is missing", tr: "zorunlu alan '\(f)' eksik")
    }
    static func badField(_ f: String, _ why: String, _ whyTR: String) -> Message {
        Message(en: "field '\(f)': \(why)", tr: "'\(f)' alanı: \(whyTR)")
    }
    static func missingSection(_ en: String, _ tr: String) -> Message {
        Message(en: "the section '## \(en)' (or '## \(tr)') is missing", tr: "'## \(tr)' (veya '## \(en)') bölümü eksik")
    }
    static func conflict(_ n: Int) -> Message {
        Message(en: "\(n) unresolved merge conflict(s); run 'gpmsync conflicts' and 'gpmsync resolve'",
                tr: "\(n) çözülmemiş birleştirme çakışması; 'gpmsync conflicts' ve 'gpmsync resolve' komutlarını kullanın")
    }
    static func ownership(_ org: String) -> Message {
        Message(en: "this change is outside municipalities/\(org)/, which is all this contributor may change",
                tr: "bu değişiklik municipalities/\(org)/ dışında; katkı sahibi yalnızca orayı değiştirebilir")
    }
}

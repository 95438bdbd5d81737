import GPMCore
import Git

/// Validation of what the index holds (for the pre-commit hook of people who use git directly).
public enum StagedValidation {
    public static func run(_ repo: DataRepository) throws(GPMError) -> [Diagnostic] {
        do {
            let index = try repo.git.index()
            let staged = index.entries()
            let source = TreeSource(repository: repo.git, entries: staged)
            let head = try repo.git.headCommit()
            let before = try head.map { h throws(GitError) in try repo.git.treeEntries(try repo.git.commit(h).tree) } ?? [:]
            let changed = staged.filter { before[$0.key] != $0.value }.map(\.key)
            return Validator(source: source).validate(paths: changed)
        } catch {
            throw GPMError(.usage, en: "the list of files to record cannot be read; run the command again with --verbose and send its output to GPM",
                           tr: "kaydedilecek dosyaların listesi okunamadı; komutu --verbose ile yeniden çalıştırıp çıktısını GPM'ye gönderin",
                           detail: "\(error.function): \(error.message)")
        }
    }
}

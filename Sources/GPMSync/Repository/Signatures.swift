import Git

extension Signature {
    /// How gpmsync signs for a person: the user name, at the org unit (GPM's own people are at `gpm`).
    /// The address is in `.invalid` on purpose: commits must never carry a real e-mail address.
    static func gpmsync(_ user: String, orgUnit: String? = nil) -> Signature {
        Signature(name: user, email: "\(user)@\(orgUnit ?? "gpm").gpmsync.invalid")
    }
}

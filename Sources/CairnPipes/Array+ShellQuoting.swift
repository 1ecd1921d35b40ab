extension [String] {
    /// The command as a shell would need it typed: arguments with spaces or quotes single-quoted.
    package var shellQuoted: String {
        map { argument in
            let plain =
                !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// An error that the person or program asking for something caused, with a message that says
/// what is wrong and how to fix it: the one vocabulary of errors of Cairn's operations. The CLI
/// prints the message and exits non-zero; the web answers it with the HTTP status of its `kind`;
/// GraphQL returns it as the error's message. Any other error is a failure of Cairn or its storage.
public protocol UserError: Error, CustomStringConvertible {
    /// What kind of mistake it is.
    var kind: UserErrorKind { get }
}

extension UserError {
    /// `invalid` unless the error says otherwise: most mistakes are malformed requests.
    public var kind: UserErrorKind { .invalid }
}

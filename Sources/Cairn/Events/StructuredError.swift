/// An error that gives the event log its own type name and stack, such as an exception an
/// external process reported with its Python traceback.
public protocol StructuredError: Error {
    /// The error as the event log stores it.
    var errorInfo: ErrorInfo { get }
}

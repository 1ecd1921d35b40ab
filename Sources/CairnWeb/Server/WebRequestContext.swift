import Hummingbird
import NIOCore

/// The context of a request to the web server: Hummingbird's, and the client's address, which
/// the login throttle counts failures by.
struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's part of the context.
    var coreContext: CoreRequestContextStorage
    /// The address of the client that sent the request.
    let remoteAddress: SocketAddress?

    /// A context for a request that arrived on `source`'s channel.
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

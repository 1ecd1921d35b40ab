/// Where `daemon --metrics-port` serves `/metrics`.
struct MetricsEndpoint {
    /// The address.
    var host: String
    /// The port; 0 picks a free one.
    var port: Int
}

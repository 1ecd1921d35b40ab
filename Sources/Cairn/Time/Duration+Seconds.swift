extension Duration {
    /// The duration in seconds, as a `Double` (`TimeInterval`): what `Date` arithmetic, timeouts
    /// and metrics take.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

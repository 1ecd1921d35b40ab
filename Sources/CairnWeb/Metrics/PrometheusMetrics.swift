import Cairn
import Metrics
import Prometheus

/// Cairn's metrics in Prometheus's registry: the factory that records them, with buckets that fit
/// each histogram, and `bootstrap` for a process that serves `/metrics`.
public enum PrometheusMetrics {
    /// A factory recording into `registry`, with buckets from a millisecond (appends, pages) to
    /// hours (runs).
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .microseconds(2_500_000), .seconds(5), .seconds(10),
        ]
        let long: [Duration] = [
            .milliseconds(100), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120),
            .seconds(300), .seconds(600), .seconds(1800), .seconds(3600), .seconds(7200), .seconds(21_600),
        ]
        factory.durationHistogramBuckets = [MetricName.runDuration: long, MetricName.stepDuration: long]
        return factory
    }

    /// Makes swift-metrics record everything of this process into Prometheus's default registry,
    /// which `/metrics` exposes. Call it once, first thing.
    public static func bootstrap() {
        MetricsSystem.bootstrap(factory(registry: PrometheusMetricsFactory.defaultRegistry))
    }
}

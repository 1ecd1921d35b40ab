import Cairn
import Hummingbird
import Metrics

/// Records how long each request took, by route (its pattern, as `/runs/{id}`, never its raw
/// path, so the series stay few), method and status.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where the durations go.
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var status = 500
        defer {
            Timer(
                label: MetricName.httpRequestDuration,
                dimensions: [
                    ("route", context.endpointPath ?? "unmatched"), ("method", request.method.rawValue),
                    ("status", String(status)),
                ], factory: factory
            ).record(duration: ContinuousClock.now - start)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}

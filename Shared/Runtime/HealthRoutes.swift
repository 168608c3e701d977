import Foundation
import Hummingbird
import Prometheus

/// `/healthz` (the process is up), `/readyz` (every dependency answers; 503 with the reasons
/// otherwise) and `/metrics` (Prometheus text format) on a service's HTTP router.
public enum HealthRoutes {
    public static func add<Context: RequestContext>(
        to router: Router<Context>, service: String, probe: ReadinessProbe,
        registry: PrometheusCollectorRegistry = ServiceRuntime.metricsRegistry
    ) {
        router.get("/healthz") { _, _ in
            json(.ok, ["status": "ok", "service": service])
        }
        router.get("/readyz") { _, _ in
            let result = await probe.evaluate()
            var body = result.details
            body["status"] = result.ready ? "ready" : "not ready"
            body["service"] = service
            return json(result.ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

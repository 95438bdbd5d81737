import Foundation
import GPMSync
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `--http 127.0.0.1:PORT`: `/status` (the JSON of `gpmsync status`) and `/metrics` (Prometheus text).
enum StatusServer {
    static func make(host: String, port: Int, root: String, registry: PrometheusCollectorRegistry, logger: Logger) -> some Service {
        let router = Router()
        router.get("status") { _, _ -> Response in
            let body: [UInt8]
            do {
                let repo = try DataRepository(path: root)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                body = [UInt8](try encoder.encode(try StatusReport.build(repo)))
            } catch {
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "\(error)\n")))
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("metrics") { _, _ -> Response in
            // Values read at scrape time: the outbox and the conflicts as they are now.
            if let repo = try? DataRepository(path: root), let status = try? StatusReport.build(repo) {
                Gauge(label: "gpmsync_outbox_files").record(status.outbox.files.count)
                Gauge(label: "gpmsync_outbox_commits").record(status.outbox.commits)
                Gauge(label: "gpmsync_conflicts").record(status.conflicts.count)
                Gauge(label: "gpmsync_validation_errors").record(status.invalid.count)
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
    }
}

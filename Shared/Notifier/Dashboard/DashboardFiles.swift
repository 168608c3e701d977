import Hummingbird

/// The dashboard: one page, its script and its style sheet, compiled into the notifier (no
/// build step, nothing to deploy beside the binary, nothing fetched from elsewhere). The files
/// hold no data; the page asks for a token and reads everything through the API.
public enum DashboardFiles {
    static let files: [(path: String, contentType: String, body: String)] = [
        ("/", "text/html; charset=utf-8", DashboardPage.html),
        ("/dashboard.js", "text/javascript; charset=utf-8", DashboardPage.script),
        ("/dashboard.css", "text/css; charset=utf-8", DashboardPage.style),
    ]

    public static var paths: [String] { files.map(\.path) }

    static func add<Context: RequestContext>(to router: Router<Context>) {
        for file in files {
            let body = ByteBuffer(string: file.body)
            router.get(RouterPath(file.path)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                    body: ResponseBody(byteBuffer: body))
            }
        }
    }
}

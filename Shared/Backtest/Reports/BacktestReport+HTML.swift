import Foundation

extension BacktestReport {
    /// The report as one self-contained HTML page that opens from a file and fetches nothing:
    /// inline style and script, and the data as JSON in a `<script type="application/json">`
    /// block that the script renders with `textContent` only. Its Content-Security-Policy
    /// forbids every load, so a link slipped into a setting cannot fetch anything either.
    ///
    /// Charts are thinned to about `maxChartPoints` points (keeping the extremes); the trades
    /// table shows the first `maxTradeRows` trades and says so when there are more.
    public func html(maxTradeRows: Int = 500, maxChartPoints: Int = 2000) -> String {
        let data = ReportJSON.serialize(ReportPageData.build(self, maxTradeRows: maxTradeRows, maxChartPoints: maxChartPoints))
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <title>Backtest report</title>
            <style>
            \(ReportPage.style)</style>
            </head>
            <body>
            <main id="report"><noscript>This report draws itself with JavaScript. trades.csv, equity.csv and result.json beside it hold the same data.</noscript></main>
            <script type="application/json" id="report-data">\(ReportPage.embeddable(data))</script>
            <script>
            \(ReportPage.script)</script>
            </body>
            </html>

            """
    }
}

/// The page's fixed parts.
enum ReportPage {
    /// JSON text made safe inside a `<script>` element: `<`, `>` and `&` only occur within
    /// JSON strings, where their `\u` escapes mean the same, and without them no text can
    /// close the element (`</script>`) or open a comment (`<!--`).
    static func embeddable(_ json: String) -> String {
        json.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}

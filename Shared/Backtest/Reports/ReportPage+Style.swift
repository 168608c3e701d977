extension ReportPage {
    /// The page's CSS: one column of cards; wide tables scroll sideways on a phone.
    static let style = #"""
        :root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f8fafc; }
        main { max-width: 1200px; margin: 0 auto; padding: 16px; }
        h1 { font-size: 1.5rem; margin: 0 0 12px; overflow-wrap: anywhere; }
        h2 { font-size: 1.15rem; margin: 0 0 10px; }
        h3 { font-size: 1rem; margin: 16px 0 6px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin: 0 0 16px; }
        dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 16px; }
        dl.settings dt { color: var(--muted); }
        dl.settings dd { margin: 0; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        thead th { color: var(--muted); font-weight: 600; }
        .heatmap td { text-align: center; min-width: 58px; }
        .chart { width: 100%; margin: 4px 0 12px; }
        canvas { display: block; }
        tr.win td:last-child { color: #15803d; }
        tr.loss td:last-child { color: #b91c1c; }
        .note, .legend { color: var(--muted); font-size: 0.9em; }
        @media (max-width: 600px) {
          main { padding: 8px; }
          section { padding: 8px; }
          dl.settings { grid-template-columns: 1fr; gap: 0; }
          dl.settings dd { margin-bottom: 6px; }
          th, td { padding: 3px 5px; }
        }

        """#
}

extension ReportPage {
    /// The page's script: reads the embedded JSON and builds the page with `textContent` only
    /// (never `innerHTML`, so no text of the report can become markup); charts are canvases,
    /// redrawn when the width changes. Each canvas gets `data-drawn="true"` once drawn.
    static let script = #"""
        'use strict';
        (function () {
          const data = JSON.parse(document.getElementById('report-data').textContent);
          const root = document.getElementById('report');
          const redraws = [];
          root.replaceChildren();

          function add(parent, tag, text, className) {
            const node = document.createElement(tag);
            if (text !== undefined && text !== null) node.textContent = String(text);
            if (className) node.className = className;
            parent.appendChild(node);
            return node;
          }
          function section(title) {
            const node = add(root, 'section');
            add(node, 'h2', title);
            return node;
          }
          function missing(value) { return value === null || value === undefined; }
          function percent(value) { return missing(value) ? '—' : (value * 100).toFixed(2) + ' %'; }
          function ratio(value) { return missing(value) ? '—' : value.toFixed(2); }
          function amount(value) { return missing(value) ? '—' : value; }
          function duration(ms) { return ms >= 86400000 ? (ms / 86400000).toFixed(1) + ' d' : (ms / 3600000).toFixed(1) + ' h'; }
          function day(ms) { return new Date(ms).toISOString().slice(0, 10); }
          function minute(iso) { return iso.slice(0, 16).replace('T', ' '); }
          function table(parent, head, rows, className) {
            const node = add(add(parent, 'div', null, 'scroll'), 'table', null, className);
            const headRow = add(add(node, 'thead'), 'tr');
            head.forEach(function (text) { add(headRow, 'th', text); });
            const body = add(node, 'tbody');
            rows.forEach(function (row) {
              const line = add(body, 'tr');
              row.forEach(function (text) { add(line, 'td', text); });
            });
            return body;
          }

          // Charts: a canvas per chart, y axis labels on the right, first and last day below.
          function extent(values, margin) {
            let low = Infinity, high = -Infinity;
            values.forEach(function (value) { if (value < low) low = value; if (value > high) high = value; });
            if (!isFinite(low)) return [0, 1];
            const pad = (high - low) * margin || Math.abs(high) * 0.01 || 1;
            return [low - pad, high + pad];
          }
          function axisLabel(span) {
            const digits = Math.min(8, Math.max(0, 2 - Math.floor(Math.log10(span || 1))));
            return function (value) { return value.toFixed(digits); };
          }
          function path(g, points, x, y) {
            g.beginPath();
            points.forEach(function (p, i) { if (i) g.lineTo(x(p[0]), y(p[1])); else g.moveTo(x(p[0]), y(p[1])); });
          }
          function chart(parent, label, height, xs, ys, paint, format) {
            const box = add(parent, 'div', null, 'chart');
            const canvas = add(box, 'canvas');
            canvas.setAttribute('role', 'img');
            canvas.setAttribute('aria-label', label);
            function draw() {
              const width = Math.max(box.clientWidth, 200);
              const scale = window.devicePixelRatio || 1;
              canvas.width = Math.round(width * scale);
              canvas.height = Math.round(height * scale);
              canvas.style.width = width + 'px';
              canvas.style.height = height + 'px';
              const g = canvas.getContext('2d');
              g.setTransform(scale, 0, 0, scale, 0, 0);
              const left = 4, right = width - 72, top = 8, bottom = height - 22;
              const x = function (t) { return left + (t - xs[0]) / ((xs[1] - xs[0]) || 1) * (right - left); };
              const y = function (v) { return bottom - (v - ys[0]) / ((ys[1] - ys[0]) || 1) * (bottom - top); };
              g.font = '11px system-ui, sans-serif';
              g.fillStyle = '#6b7280';
              g.strokeStyle = '#e5e7eb';
              g.lineWidth = 1;
              g.textBaseline = 'middle';
              for (let i = 0; i <= 4; i++) {
                const value = ys[0] + (ys[1] - ys[0]) * i / 4;
                g.beginPath();
                g.moveTo(left, y(value));
                g.lineTo(right, y(value));
                g.stroke();
                g.fillText(format(value), right + 4, y(value));
              }
              g.textBaseline = 'top';
              g.fillText(day(xs[0]), left, bottom + 6);
              g.textAlign = 'right';
              g.fillText(day(xs[1]), right, bottom + 6);
              g.textAlign = 'left';
              g.save();
              g.beginPath();
              g.rect(left, top, right - left, bottom - top);
              g.clip();
              paint(g, x, y);
              g.restore();
              canvas.dataset.drawn = 'true';
            }
            redraws.push(draw);
            draw();
          }

          document.title = data.title;
          add(root, 'h1', data.title);
          const settings = add(root, 'dl', null, 'settings');
          data.settings.forEach(function (setting) { add(settings, 'dt', setting.name); add(settings, 'dd', setting.value); });

          const r = data.metrics.returns;
          table(section('Returns'), ['Measure', 'Value'], [
            ['Start equity', r.start_equity], ['End equity', r.end_equity], ['Net profit', r.net_profit],
            ['Total return', percent(r.total_return)], ['Annualised return', percent(r.annualised_return)],
            ['Sharpe', ratio(r.sharpe)], ['Sortino', ratio(r.sortino)], ['Calmar', ratio(r.calmar)],
            ['Max drawdown', percent(r.max_drawdown)], ['Max drawdown amount', r.max_drawdown_amount],
            ['Max drawdown duration', duration(r.max_drawdown_duration_ms)],
            ['Longest drawdown', duration(r.longest_drawdown_duration_ms)],
          ]);
          const symbols = Object.keys(data.metrics.by_symbol).sort();
          const columns = [data.metrics.total].concat(symbols.map(function (s) { return data.metrics.by_symbol[s]; }));
          const measures = [
            ['Trades', function (s) { return s.trades; }], ['Wins', function (s) { return s.wins; }],
            ['Losses', function (s) { return s.losses; }], ['Win rate', function (s) { return percent(s.win_rate); }],
            ['Profit factor', function (s) { return missing(s.profit_factor) ? (s.wins > 0 ? '∞' : '—') : ratio(s.profit_factor); }],
            ['Net profit', function (s) { return s.net_profit; }], ['Gross profit', function (s) { return s.gross_profit; }],
            ['Gross loss', function (s) { return s.gross_loss; }], ['Expectancy', function (s) { return amount(s.expectancy); }],
            ['Average win', function (s) { return amount(s.average_win); }],
            ['Average loss', function (s) { return amount(s.average_loss); }],
            ['Fees', function (s) { return s.fees; }], ['Funding', function (s) { return s.funding; }],
            ['Exposure', function (s) { return percent(s.exposure); }],
          ];
          table(section('Trade statistics'), ['Measure', 'Total'].concat(symbols),
            measures.map(function (m) { return [m[0]].concat(columns.map(m[1])); }));

          const curves = section('Equity and drawdown');
          const equity = data.equity, drawdown = data.drawdown;
          if (equity.length) {
            const xs = [equity[0][0], equity[equity.length - 1][0]];
            const ys = extent(equity.map(function (p) { return p[1]; }), 0.05);
            chart(curves, 'Equity curve', 240, xs, ys, function (g, x, y) {
              path(g, equity, x, y);
              g.strokeStyle = '#2563eb';
              g.lineWidth = 1.5;
              g.stroke();
            }, axisLabel(ys[1] - ys[0]));
            const deepest = Math.min.apply(null, drawdown.map(function (p) { return p[1]; }));
            chart(curves, 'Drawdown', 140, xs, [Math.min(deepest * 1.05, -0.0001), 0], function (g, x, y) {
              path(g, drawdown, x, y);
              g.lineTo(x(xs[1]), y(0));
              g.lineTo(x(xs[0]), y(0));
              g.closePath();
              g.fillStyle = 'rgba(220, 38, 38, 0.25)';
              g.fill();
              path(g, drawdown, x, y);
              g.strokeStyle = '#dc2626';
              g.lineWidth = 1;
              g.stroke();
            }, function (value) { return (value * 100).toFixed(1) + ' %'; });
          }

          const monthly = section('Monthly returns');
          const months = data.monthly_returns.months;
          const largest = Math.max.apply(null, [1e-9].concat(months.map(function (m) { return Math.abs(m.return || 0); })));
          function shade(cell, value, scale) {
            if (missing(value)) return;
            const alpha = (0.12 + 0.6 * Math.min(1, Math.abs(value) / scale)).toFixed(3);
            cell.style.backgroundColor = value >= 0 ? 'rgba(22, 163, 74, ' + alpha + ')' : 'rgba(220, 38, 38, ' + alpha + ')';
          }
          const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
          const heat = table(monthly, ['Year'].concat(names, ['Year']), [], 'heatmap');
          data.monthly_returns.years.forEach(function (year) {
            const row = add(heat, 'tr');
            add(row, 'th', year.year);
            for (let month = 1; month <= 12; month++) {
              const entry = months.find(function (m) { return m.year === year.year && m.month === month; });
              const cell = add(row, 'td', entry ? percent(entry.return) : '');
              if (entry) {
                shade(cell, entry.return, largest);
                cell.title = entry.start_equity + ' → ' + entry.end_equity;
              }
            }
            shade(add(row, 'td', percent(year.return)), year.return, Math.max(largest, Math.abs(year.return || 0)));
          });

          const prices = section('Prices and trades');
          if (!data.symbols.some(function (s) { return s.bars.length; })) add(prices, 'p', 'No price bars in this report.', 'note');
          data.symbols.forEach(function (s) {
            if (!s.bars.length) return;
            add(prices, 'h3', s.symbol + (s.timeframe ? ' · ' + s.timeframe : ''));
            const bars = s.bars;
            const values = [];
            bars.forEach(function (b) { values.push(b[2], b[3]); });
            s.trades.forEach(function (t) { values.push(t[1], t[3]); });
            const ys = extent(values, 0.03);
            chart(prices, s.symbol + ' price with trades', 280, [bars[0][0], bars[bars.length - 1][0]], ys, function (g, x, y) {
              g.strokeStyle = '#cbd5e1';
              g.lineWidth = 1;
              g.beginPath();
              bars.forEach(function (b) { g.moveTo(x(b[0]), y(b[2])); g.lineTo(x(b[0]), y(b[3])); });
              g.stroke();
              path(g, bars.map(function (b) { return [b[0], b[4]]; }), x, y);
              g.strokeStyle = '#334155';
              g.lineWidth = 1.2;
              g.stroke();
              s.trades.forEach(function (t) {
                const outcome = t[5] > 0 ? '#16a34a' : t[5] < 0 ? '#dc2626' : '#6b7280';
                const ex = x(t[0]), ey = y(t[1]);
                g.setLineDash([3, 3]);
                g.strokeStyle = outcome;
                g.beginPath();
                g.moveTo(ex, ey);
                g.lineTo(x(t[2]), y(t[3]));
                g.stroke();
                g.setLineDash([]);
                const long = t[4] === 'buy', tip = long ? -6 : 6;
                g.beginPath();
                g.moveTo(ex, ey + tip);
                g.lineTo(ex - 5, ey - tip);
                g.lineTo(ex + 5, ey - tip);
                g.closePath();
                g.fillStyle = long ? '#2563eb' : '#ea580c';
                g.fill();
                g.beginPath();
                g.arc(x(t[2]), y(t[3]), 3.5, 0, Math.PI * 2);
                g.fillStyle = outcome;
                g.fill();
              });
            }, axisLabel(ys[1] - ys[0]));
          });
          add(prices, 'p', 'Blue ▲ long entry, orange ▼ short entry; dot: exit, green for a win, red for a loss, grey at zero. A dashed line joins a trade\'s entry and exit.', 'legend');

          const trades = section('Trades');
          if (!data.trade_count) add(trades, 'p', 'No trades.', 'note');
          if (data.trade_count > data.trades.length) {
            add(trades, 'p', 'Showing the first ' + data.trades.length + ' of ' + data.trade_count +
              ' trades; trades.csv and result.json hold them all.', 'note');
          }
          if (data.trades.length) {
            const body = table(trades, ['#', 'Symbol', 'Side', 'Entry', 'Exit', 'Entry price', 'Exit price', 'Quantity', 'Fees', 'Funding', 'PnL'],
              data.trades.map(function (t) {
                return [t.seq, t.symbol, t.side === 'buy' ? 'long' : 'short', minute(t.entry_time), minute(t.exit_time),
                  t.entry_price, t.exit_price, t.quantity, t.fees, t.funding, t.pnl];
              }));
            data.trades.forEach(function (t, i) {
              body.rows[i].className = t.pnl.charAt(0) === '-' ? 'loss' : /[1-9]/.test(t.pnl) ? 'win' : '';
            });
          }

          let pending = null;
          window.addEventListener('resize', function () {
            clearTimeout(pending);
            pending = setTimeout(function () { redraws.forEach(function (draw) { draw(); }); }, 100);
          });
        })();

        """#
}

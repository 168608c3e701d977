/// The dashboard page and its style sheet. The script is `DashboardPage.script`.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Keel</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Keel</h1>
          <span id="trading-state" class="chip">—</span>
          <span id="breaker-state" class="chip">—</span>
          <span id="connection" class="chip">not connected</span>
          <span id="updated" class="muted"></span>
        </header>

        <form id="token-form" class="panel">
          <label for="token">API token (read or operator)</label>
          <input id="token" type="password" autocomplete="off" required>
          <button id="connect" type="submit">Connect</button>
          <span id="token-error" class="error"></span>
        </form>

        <main id="board" hidden>
          <section class="panel wide">
            <h2>Equity</h2>
            <canvas id="equity-chart"></canvas>
            <h2>Drawdown</h2>
            <canvas id="drawdown-chart"></canvas>
            <p id="equity-figures" class="muted"></p>
          </section>

          <section class="panel" id="operator">
            <h2>Operator</h2>
            <label for="operator-token">Operator token</label>
            <input id="operator-token" type="password" autocomplete="off">
            <div class="buttons">
              <button id="pause-button" data-command="pause">Pause</button>
              <button id="resume-button" data-command="resume">Resume</button>
              <button id="reset-breaker-button" data-command="reset-breaker">Reset breaker</button>
              <button id="flatten-button" data-command="flatten" class="danger">Flatten all</button>
            </div>
            <p id="command-result" class="muted"></p>
          </section>

          <section class="panel wide">
            <h2>Open positions</h2>
            <div class="scroll"><table id="positions"><thead><tr>
              <th>Symbol</th><th>Side</th><th>Size</th><th>Entry</th><th>Mark</th><th>Unrealised PnL</th><th>Stop</th><th></th>
            </tr></thead><tbody></tbody></table></div>
          </section>

          <section class="panel wide">
            <h2>Strategies</h2>
            <div class="scroll"><table id="stats"><thead><tr>
              <th>Strategy</th><th>Trades</th><th>Win rate</th><th>Profit factor</th><th>Expectancy</th><th>Net PnL</th>
            </tr></thead><tbody></tbody></table></div>
          </section>

          <section class="panel wide">
            <h2>Signals and risk decisions</h2>
            <div class="scroll"><table id="decisions"><thead><tr>
              <th>Time</th><th>Strategy</th><th>Symbol</th><th>Side</th><th>Decision</th><th>Reason</th>
            </tr></thead><tbody></tbody></table></div>
          </section>

          <section class="panel">
            <h2>Orders</h2>
            <div class="scroll"><table id="orders"><thead><tr>
              <th>Time</th><th>Symbol</th><th>Side</th><th>Role</th><th>Status</th><th>Qty</th><th>Filled</th>
            </tr></thead><tbody></tbody></table></div>
          </section>

          <section class="panel">
            <h2>Fills</h2>
            <div class="scroll"><table id="fills"><thead><tr>
              <th>Time</th><th>Symbol</th><th>Side</th><th>Price</th><th>Qty</th><th>Fee</th><th>PnL</th>
            </tr></thead><tbody></tbody></table></div>
          </section>

          <section class="panel wide">
            <h2>Services</h2>
            <div id="health" class="scroll"></div>
          </section>
        </main>
        </body>
        </html>
        """#

    static let style = #"""
        :root { color-scheme: dark; --bg: #0f1419; --panel: #182028; --text: #e6e8ea; --muted: #8a949e;
                --up: #3fb950; --down: #f85149; --accent: #58a6ff; --warn: #d29922; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
        header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .6rem 1rem;
                 border-bottom: 1px solid #2a333c; }
        h1 { font-size: 1.2rem; margin: 0 .5rem 0 0; }
        h2 { font-size: .95rem; margin: .2rem 0 .5rem; color: var(--muted); font-weight: 600; }
        .chip { padding: .1rem .55rem; border-radius: 1rem; background: #2a333c; font-size: .8rem; }
        .chip.good { background: #12361f; color: var(--up); }
        .chip.bad { background: #3d1618; color: var(--down); }
        .chip.warn { background: #3a2d0c; color: var(--warn); }
        .muted { color: var(--muted); font-size: .8rem; }
        .error { color: var(--down); }
        main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .8rem; padding: .8rem; }
        .panel { background: var(--panel); border-radius: .5rem; padding: .8rem; margin: 0; }
        #token-form { margin: .8rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
        .wide { grid-column: 1 / -1; }
        canvas { width: 100%; display: block; }
        #equity-chart { height: 180px; }
        #drawdown-chart { height: 110px; }
        .scroll { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #2a333c; white-space: nowrap; }
        th { color: var(--muted); font-weight: 500; }
        td.up { color: var(--up); }
        td.down { color: var(--down); }
        input { background: #0f1419; color: var(--text); border: 1px solid #2a333c; border-radius: .3rem; padding: .35rem .5rem;
                min-width: 12rem; }
        button { background: #2a333c; color: var(--text); border: 1px solid #3a444e; border-radius: .3rem; padding: .35rem .7rem;
                 cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button.danger { border-color: #6e2a2d; }
        .buttons { display: flex; flex-wrap: wrap; gap: .4rem; margin: .6rem 0; }
        #operator label { display: block; margin-bottom: .2rem; }
        @media (max-width: 760px) {
          main { grid-template-columns: minmax(0, 1fr); padding: .5rem; }
          input { min-width: 0; width: 100%; }
        }
        """#
}

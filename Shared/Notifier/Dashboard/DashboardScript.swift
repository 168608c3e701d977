extension DashboardPage {
    /// Reads `/api/stream` (Server-Sent Events over fetch, so the token travels in the
    /// Authorization header, never in a URL) and draws each snapshot. Every value is written as
    /// text (never as HTML); decimals are shown exactly as the API sends them and turned into
    /// numbers only to draw the charts.
    static let script = #"""
        'use strict';
        const $ = (id) => document.getElementById(id);
        let token = sessionStorage.getItem('keel-token') || '';
        let latest = null;

        function setChip(id, text, kind) {
          const chip = $(id);
          chip.textContent = text;
          chip.className = 'chip' + (kind ? ' ' + kind : '');
        }

        function time(ms) {
          if (ms === null || ms === undefined) return '';
          const date = new Date(Number(ms));
          return date.toISOString().replace('T', ' ').slice(5, 19);
        }

        function cell(row, text, kind) {
          const td = document.createElement('td');
          td.textContent = text === null || text === undefined ? '' : String(text);
          if (kind) td.className = kind;
          row.appendChild(td);
          return td;
        }

        function signClass(decimal) {
          if (decimal === null || decimal === undefined) return '';
          return String(decimal).startsWith('-') ? 'down' : Number(decimal) > 0 ? 'up' : '';
        }

        function fill(tableId, rows, makeRow) {
          const body = $(tableId).querySelector('tbody');
          body.replaceChildren();
          for (const row of rows) {
            const tr = document.createElement('tr');
            makeRow(tr, row);
            body.appendChild(tr);
          }
          if (rows.length === 0) {
            const tr = document.createElement('tr');
            const td = cell(tr, 'none');
            td.colSpan = $(tableId).querySelectorAll('th').length;
            td.className = 'muted';
            body.appendChild(tr);
          }
        }

        function drawLine(canvas, values, color, fillBelow) {
          const ratio = window.devicePixelRatio || 1;
          const width = canvas.clientWidth, height = canvas.clientHeight;
          canvas.width = Math.max(1, Math.floor(width * ratio));
          canvas.height = Math.max(1, Math.floor(height * ratio));
          const context = canvas.getContext('2d');
          context.scale(ratio, ratio);
          context.clearRect(0, 0, width, height);
          canvas.dataset.points = String(values.length);
          if (values.length === 0) {
            context.fillStyle = '#8a949e';
            context.fillText('no data yet', 8, 16);
            return;
          }
          let low = Math.min(...values), high = Math.max(...values);
          if (high === low) { high += 1; low -= 1; }
          const x = (i) => values.length === 1 ? width / 2 : 4 + i * (width - 8) / (values.length - 1);
          const y = (v) => 6 + (high - v) * (height - 18) / (high - low);
          context.strokeStyle = color;
          context.lineWidth = 1.5;
          context.beginPath();
          values.forEach((v, i) => i === 0 ? context.moveTo(x(i), y(v)) : context.lineTo(x(i), y(v)));
          context.stroke();
          if (fillBelow) {
            context.lineTo(x(values.length - 1), y(high));
            context.lineTo(x(0), y(high));
            context.closePath();
            context.globalAlpha = 0.25;
            context.fillStyle = color;
            context.fill();
            context.globalAlpha = 1;
          }
          context.fillStyle = '#8a949e';
          context.font = '11px system-ui';
          context.fillText(String(high.toFixed(2)), 6, 12);
          context.fillText(String(low.toFixed(2)), 6, height - 4);
        }

        function drawEquity(equity) {
          const points = equity.slice().reverse();
          const values = points.map((p) => Number(p.equity));
          let peak = -Infinity;
          const drawdown = values.map((v) => { peak = Math.max(peak, v); return peak > 0 ? (v - peak) / peak * 100 : 0; });
          drawLine($('equity-chart'), values, '#58a6ff', false);
          drawLine($('drawdown-chart'), drawdown, '#f85149', true);
          const last = points[points.length - 1];
          $('equity-figures').textContent = last
            ? `equity ${last.equity} ${last.currency} · unrealised ${last.unrealised_pnl} · drawdown ${drawdown[drawdown.length - 1].toFixed(2)} %`
            : '';
        }

        function drawControl(control) {
          const state = control[0] || { paused: false, breaker_tripped: false };
          setChip('trading-state', state.paused ? 'PAUSED' : 'trading', state.paused ? 'warn' : 'good');
          setChip('breaker-state', state.breaker_tripped ? 'breaker TRIPPED' : 'breaker armed', state.breaker_tripped ? 'bad' : 'good');
          $('trading-state').title = state.paused_reason || '';
          $('breaker-state').title = state.breaker_reason || '';
        }

        function drawHealth(health) {
          const box = $('health');
          box.replaceChildren();
          if (!health) { box.textContent = 'not reported'; return; }
          if (health.error) { const p = document.createElement('p'); p.className = 'error'; p.textContent = health.error; box.appendChild(p); }
          const table = document.createElement('table');
          const head = document.createElement('tr');
          for (const name of ['Service', 'Live instances', 'State', 'Last seen']) {
            const th = document.createElement('th'); th.textContent = name; head.appendChild(th);
          }
          table.appendChild(head);
          for (const service of health.services || []) {
            const tr = document.createElement('tr');
            cell(tr, service.service);
            cell(tr, service.live_instances);
            const state = !service.alive ? 'down' : service.ready ? 'ready' : 'not ready';
            cell(tr, state, state === 'ready' ? 'up' : 'down');
            cell(tr, time(service.last_seen));
            table.appendChild(tr);
          }
          for (const group of health.consumer_groups || []) {
            const tr = document.createElement('tr');
            cell(tr, group.group);
            cell(tr, '');
            const lag = group.lag === null || group.lag === undefined ? (group.error || 'unknown') : `lag ${group.lag}`;
            cell(tr, lag, group.lag > 1000 || group.error ? 'down' : '');
            cell(tr, '');
            table.appendChild(tr);
          }
          box.appendChild(table);
        }

        function draw(snapshot) {
          latest = snapshot;
          drawControl(snapshot.control || []);
          drawEquity(snapshot.equity || []);
          fill('positions', snapshot.positions || [], (tr, p) => {
            tr.dataset.symbol = p.symbol;
            cell(tr, p.symbol); cell(tr, p.side); cell(tr, p.size); cell(tr, p.average_price); cell(tr, p.mark_price);
            cell(tr, p.unrealised_pnl, signClass(p.unrealised_pnl)); cell(tr, p.stop_loss);
            const td = document.createElement('td');
            const button = document.createElement('button');
            button.textContent = 'Close';
            button.addEventListener('click', () => command('close', { symbol: p.symbol }, `close ${p.symbol} at the market`));
            td.appendChild(button);
            tr.appendChild(td);
          });
          fill('stats', snapshot.stats || [], (tr, s) => {
            cell(tr, s.strategy); cell(tr, s.trades);
            cell(tr, `${(Number(s.win_rate) * 100).toFixed(1)} %`);
            cell(tr, s.profit_factor ?? '—'); cell(tr, s.expectancy, signClass(s.expectancy)); cell(tr, s.net_pnl, signClass(s.net_pnl));
          });
          fill('decisions', snapshot.decisions || [], (tr, d) => {
            cell(tr, time(d.decided_at)); cell(tr, d.strategy); cell(tr, d.symbol);
            cell(tr, d.intent && d.intent.side ? d.intent.side : '');
            cell(tr, d.approved ? 'approved' : 'rejected', d.approved ? 'up' : 'down');
            cell(tr, d.approved ? '' : [d.reason, d.detail].filter(Boolean).join(': '));
          });
          fill('orders', snapshot.orders || [], (tr, o) => {
            cell(tr, time(o.updated_at)); cell(tr, o.symbol); cell(tr, o.side); cell(tr, o.role); cell(tr, o.status);
            cell(tr, o.quantity); cell(tr, o.filled_quantity);
          });
          fill('fills', snapshot.fills || [], (tr, f) => {
            cell(tr, time(f.filled_at)); cell(tr, f.symbol); cell(tr, f.side); cell(tr, f.price); cell(tr, f.quantity);
            cell(tr, f.fee); cell(tr, f.realised_pnl, signClass(f.realised_pnl));
          });
          drawHealth(snapshot.health);
          $('updated').textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
        }

        async function stream() {
          for (;;) {
            let response;
            try {
              response = await fetch('/api/stream', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
            } catch (error) {
              setChip('connection', 'reconnecting', 'warn');
              await new Promise((resolve) => setTimeout(resolve, 2000));
              continue;
            }
            if (response.status === 401) {
              sessionStorage.removeItem('keel-token');
              $('token-error').textContent = 'The token was refused.';
              $('token-form').hidden = false;
              $('board').hidden = true;
              setChip('connection', 'not connected', 'bad');
              return;
            }
            if (!response.ok || !response.body) {
              setChip('connection', `error ${response.status}`, 'bad');
              await new Promise((resolve) => setTimeout(resolve, 3000));
              continue;
            }
            $('token-form').hidden = true;
            $('board').hidden = false;
            setChip('connection', 'live', 'good');
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = '';
            try {
              for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += decoder.decode(value, { stream: true });
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                  const frame = buffer.slice(0, end);
                  buffer = buffer.slice(end + 2);
                  const data = frame.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
                  if (data) draw(JSON.parse(data));
                }
              }
            } catch (error) {
              // The connection dropped; a new one is opened below.
            }
            setChip('connection', 'reconnecting', 'warn');
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }

        async function command(name, body, description) {
          const operatorToken = $('operator-token').value;
          const result = $('command-result');
          if (!operatorToken) { result.textContent = 'Enter the operator token first.'; return; }
          if ((name === 'flatten' || name === 'close') && !window.confirm(`Really ${description}?`)) return;
          result.textContent = `sending ${name}…`;
          const response = await fetch('/api/commands/' + name, {
            method: 'POST',
            headers: { Authorization: 'Bearer ' + operatorToken, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          });
          const reply = await response.json().catch(() => ({}));
          result.textContent = response.ok
            ? `${reply.command} sent to risk (command ${reply.command_id})`
            : `refused (${response.status}): ${reply.error && reply.error.message ? reply.error.message : 'no reason given'}`;
          result.className = response.ok ? 'muted' : 'error';
        }

        document.addEventListener('DOMContentLoaded', () => {
          $('token-form').addEventListener('submit', (event) => {
            event.preventDefault();
            token = $('token').value;
            sessionStorage.setItem('keel-token', token);
            $('token-error').textContent = '';
            stream();
          });
          for (const button of document.querySelectorAll('#operator button[data-command]')) {
            const name = button.dataset.command;
            const body = name === 'flatten' ? { confirm: true } : {};
            button.addEventListener('click', () => command(name, body, 'close every position at the market'));
          }
          window.addEventListener('resize', () => { if (latest) drawEquity(latest.equity || []); });
          if (token) stream();
        });
        """#
}

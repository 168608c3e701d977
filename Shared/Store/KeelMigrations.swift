/// Keel's schema, in order. Append new migrations with the next version; never edit or
/// reorder one that has been released (the migrator refuses changed checksums).
public enum KeelMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 1,
            name: "processed_messages",
            sql: """
                -- Idempotent Kafka handlers: a handler records each message id it has
                -- processed, in the same transaction as the message's effects.
                CREATE TABLE processed_messages (
                    consumer     text        NOT NULL,
                    message_id   text        NOT NULL,
                    processed_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (consumer, message_id)
                );
                """
        ),
        Migration(
            version: 2,
            name: "risk_decisions",
            sql: """
                -- Every risk decision, one per intent: the first decision for an intent stands,
                -- so a redelivered intent gets the same answer, never a second order.
                CREATE TABLE risk_decisions (
                    intent_id    text        PRIMARY KEY,
                    strategy     text        NOT NULL,
                    symbol       text        NOT NULL,
                    approved     boolean     NOT NULL,
                    reason       text,
                    detail       text        NOT NULL DEFAULT '',
                    quantity     numeric,
                    leverage     numeric,
                    risk_amount  numeric,
                    notional     numeric,
                    reduce_only  boolean     NOT NULL DEFAULT false,
                    notes        jsonb       NOT NULL DEFAULT '[]',
                    intent       jsonb       NOT NULL,
                    decided_at   timestamptz NOT NULL
                );
                CREATE INDEX risk_decisions_by_time ON risk_decisions (decided_at DESC);
                """
        ),
        Migration(
            version: 3,
            name: "candles",
            sql: """
                -- The persistent candle cache: one row per symbol, timeframe and open time
                -- (milliseconds since the epoch, as Keel's Timestamp). Prices and volumes are
                -- exact numeric, never float. A forming candle may be stored and is replaced
                -- when it closes; a closed one is final.
                CREATE TABLE candles (
                    symbol    text    NOT NULL,
                    timeframe text    NOT NULL,
                    open_time bigint  NOT NULL,
                    open      numeric NOT NULL,
                    high      numeric NOT NULL,
                    low       numeric NOT NULL,
                    close     numeric NOT NULL,
                    volume    numeric NOT NULL,
                    turnover  numeric,
                    is_closed boolean NOT NULL,
                    PRIMARY KEY (symbol, timeframe, open_time)
                );
                -- Range reads of closed candles (history, warm-up, backfill coverage).
                CREATE INDEX candles_closed_range ON candles (symbol, timeframe, open_time) WHERE is_closed;
                """
        ),
        Migration(
            version: 4,
            name: "execution_records",
            sql: """
                -- Execution's records: what it placed on the venue and what came of it. Times are
                -- milliseconds since the epoch (Keel's Timestamp); money and sizes exact numeric.
                --
                -- Fencing: a write made under a symbol's Redis lock first raises the symbol's
                -- token here in the same transaction; a holder whose lease expired (and so holds
                -- an older token than the new owner) finds the row ahead of it and writes nothing.
                CREATE TABLE exec_fences (
                    symbol text   PRIMARY KEY,
                    token  bigint NOT NULL
                );
                -- One row per venue order, keyed by the client order id (Bybit's orderLinkId), so
                -- an order can be recorded before the venue has answered and never twice.
                CREATE TABLE exec_orders (
                    client_order_id text    PRIMARY KEY,
                    order_id        text    NOT NULL,  -- Keel's order id (the approval's)
                    intent_id       text    NOT NULL,
                    venue_order_id  text,
                    symbol          text    NOT NULL,
                    side            text    NOT NULL,  -- buy | sell
                    order_type      text    NOT NULL,  -- market | limit
                    role            text    NOT NULL,  -- entry | exit | stop_loss | take_profit
                    status          text    NOT NULL,  -- Core OrderStatus raw value, or 'Submitting'
                    reduce_only     boolean NOT NULL,
                    quantity        numeric NOT NULL,
                    limit_price     numeric,
                    filled_quantity numeric NOT NULL DEFAULT 0,
                    average_price   numeric,
                    fees_paid       numeric NOT NULL DEFAULT 0,
                    reject_reason   text    NOT NULL DEFAULT '',
                    fence_token     bigint,
                    created_at      bigint  NOT NULL,
                    updated_at      bigint  NOT NULL
                );
                CREATE INDEX exec_orders_by_time ON exec_orders (updated_at DESC);
                CREATE INDEX exec_orders_open ON exec_orders (symbol)
                    WHERE status IN ('Submitting', 'New', 'PartiallyFilled', 'Untriggered', 'Triggered');
                -- One row per venue execution (Bybit's execId): a fill seen twice (stream and
                -- polling, or after a restart) is recorded once.
                CREATE TABLE exec_fills (
                    fill_id         text    PRIMARY KEY,
                    client_order_id text    NOT NULL,
                    venue_order_id  text    NOT NULL,
                    symbol          text    NOT NULL,
                    side            text    NOT NULL,
                    price           numeric NOT NULL,
                    quantity        numeric NOT NULL,
                    fee             numeric NOT NULL,
                    fee_currency    text    NOT NULL,
                    is_maker        boolean NOT NULL,
                    realised_pnl    numeric NOT NULL DEFAULT 0,
                    filled_at       bigint  NOT NULL
                );
                CREATE INDEX exec_fills_by_time ON exec_fills (filled_at DESC);
                -- The latest position per symbol as the venue reports it; size 0 when flat.
                -- `sequence` increases with every snapshot published on exec.positions.v1.
                CREATE TABLE exec_positions (
                    symbol            text    PRIMARY KEY,
                    side              text,               -- buy (long) | sell (short) | NULL (flat)
                    size              numeric NOT NULL,
                    average_price     numeric NOT NULL,
                    mark_price        numeric,
                    unrealised_pnl    numeric NOT NULL DEFAULT 0,
                    realised_pnl      numeric NOT NULL DEFAULT 0,
                    leverage          numeric NOT NULL,
                    liquidation_price numeric,
                    stop_loss         numeric,
                    take_profit       numeric,
                    sequence          bigint  NOT NULL,
                    updated_at        bigint  NOT NULL
                );
                -- Account equity over time, one row per account and snapshot time.
                CREATE TABLE account_equity (
                    account           text    NOT NULL,
                    currency          text    NOT NULL,
                    equity            numeric NOT NULL,
                    wallet_balance    numeric NOT NULL,
                    available_balance numeric NOT NULL,
                    unrealised_pnl    numeric NOT NULL,
                    margin_used       numeric NOT NULL,
                    recorded_at       bigint  NOT NULL,
                    PRIMARY KEY (account, recorded_at)
                );
                """
        ),
        Migration(
            version: 5,
            name: "candle_watermarks",
            sql: """
                -- The open time of the last closed candle marketdata published per symbol and
                -- timeframe: after a restart or a gap it publishes what follows, in order, so the
                -- candle stream has no holes and nothing twice.
                CREATE TABLE candle_watermarks (
                    symbol    text   NOT NULL,
                    timeframe text   NOT NULL,
                    open_time bigint NOT NULL,
                    PRIMARY KEY (symbol, timeframe)
                );
                """
        ),
        Migration(
            version: 6,
            name: "risk_state",
            sql: """
                -- Every rule's verdict and the inputs a risk decision saw, beside the decision.
                ALTER TABLE risk_decisions
                    ADD COLUMN verdicts jsonb NOT NULL DEFAULT '[]',
                    ADD COLUMN inputs   jsonb NOT NULL DEFAULT '{}';
                CREATE INDEX risk_decisions_approved_entries ON risk_decisions (decided_at DESC)
                    WHERE approved AND NOT reduce_only;
                -- The operator's pause and the drawdown breaker, one row for the account: both
                -- survive restarts and every risk instance reads them under the decision lock.
                CREATE TABLE risk_control (
                    account          text    PRIMARY KEY,
                    paused           boolean NOT NULL DEFAULT false,
                    paused_reason    text    NOT NULL DEFAULT '',
                    breaker_tripped  boolean NOT NULL DEFAULT false,
                    breaker_reason   text    NOT NULL DEFAULT '',
                    breaker_reset_at bigint  NOT NULL DEFAULT 0,  -- ms; the equity peak counts from here
                    daily_reset_at   bigint  NOT NULL DEFAULT 0,  -- ms; the day's opening equity counts from here
                    updated_at       bigint  NOT NULL DEFAULT 0,
                    updated_by       text    NOT NULL DEFAULT ''
                );
                -- Operator commands risk has acted on (or refused), once each.
                CREATE TABLE risk_operator_commands (
                    command_id text    PRIMARY KEY,
                    issued_by  text    NOT NULL,
                    command    text    NOT NULL,
                    symbol     text,
                    reason     text    NOT NULL DEFAULT '',
                    outcome    text    NOT NULL,  -- applied | refused
                    detail     text    NOT NULL DEFAULT '',
                    issued_at  bigint  NOT NULL,
                    applied_at bigint  NOT NULL
                );
                """
        ),
        Migration(
            version: 7,
            name: "execution_trades",
            sql: """
                -- The venue's time of the report an order row holds: an older report never
                -- overwrites a newer one.
                ALTER TABLE exec_orders ADD COLUMN venue_updated_at bigint;
                CREATE INDEX exec_orders_by_intent ON exec_orders (intent_id);
                -- The venue's time of the recorded state: an older report never overwrites it.
                ALTER TABLE exec_positions ADD COLUMN trailing_stop numeric, ADD COLUMN venue_updated_at bigint;
                -- One row per approved entry: its plan (ladder, break-even, trailing, timeouts)
                -- and where it is; changed only under the symbol's lock, with its fencing token.
                CREATE TABLE exec_trades (
                    intent_id    text    PRIMARY KEY,
                    symbol       text    NOT NULL,
                    phase        text    NOT NULL,  -- entering | open | closing | closed
                    plan         jsonb   NOT NULL,
                    state        jsonb   NOT NULL,
                    close_reason text,
                    fence_token  bigint  NOT NULL,
                    created_at   bigint  NOT NULL,
                    updated_at   bigint  NOT NULL
                );
                CREATE INDEX exec_trades_active ON exec_trades (symbol) WHERE phase <> 'closed';
                -- Per symbol, the position its fills add up to as of the last time it was flat,
                -- so realised PnL per fill is computed from there, not from the first fill.
                CREATE TABLE exec_position_books (
                    symbol       text   PRIMARY KEY,
                    account      jsonb  NOT NULL,
                    through_time bigint NOT NULL,
                    through_fill text   NOT NULL
                );
                -- What execution found wrong (stale or impossible reports, unknown orders, fills
                -- of unknown orders, positions that differ from the venue) and what it did.
                CREATE TABLE exec_anomalies (
                    id          bigserial PRIMARY KEY,
                    kind        text      NOT NULL,
                    symbol      text,
                    detail      text      NOT NULL,
                    action      text      NOT NULL,
                    recorded_at bigint    NOT NULL
                );
                CREATE INDEX exec_anomalies_by_time ON exec_anomalies (recorded_at DESC);
                -- Funding settlements, once each by the venue's execution id; positive = paid.
                CREATE TABLE exec_funding (
                    funding_id text    PRIMARY KEY,
                    symbol     text    NOT NULL,
                    paid       numeric NOT NULL,
                    paid_at    bigint  NOT NULL
                );
                CREATE INDEX exec_funding_by_symbol ON exec_funding (symbol, paid_at);
                """
        ),
        Migration(
            version: 8,
            name: "notify_outbox",
            sql: """
                -- Messages for humans until delivered, in order per recipient, once per dedupe key.
                CREATE TABLE notify_outbox (
                    id              bigserial PRIMARY KEY,
                    channel         text      NOT NULL,  -- telegram | webhook
                    recipient       text      NOT NULL,  -- chat id, webhook name
                    dedupe_key      text      NOT NULL,
                    text            text      NOT NULL,
                    state           text      NOT NULL DEFAULT 'pending',  -- pending | sent | refused | dropped
                    attempts        integer   NOT NULL DEFAULT 0,
                    last_error      text      NOT NULL DEFAULT '',
                    created_at      bigint    NOT NULL,
                    next_attempt_at bigint    NOT NULL,
                    sent_at         bigint,
                    UNIQUE (channel, recipient, dedupe_key)
                );
                CREATE INDEX notify_outbox_pending ON notify_outbox (channel, recipient, id) WHERE state = 'pending';
                """
        ),
        Migration(
            version: 9,
            name: "service_health",
            sql: """
                -- Every running service instance records itself here every few seconds (times in
                -- ms); a graceful shutdown sets stopped_at. detail holds its readiness checks.
                CREATE TABLE service_instances (
                    service    text    NOT NULL,
                    instance   text    NOT NULL,  -- unique per process
                    host       text    NOT NULL,
                    started_at bigint  NOT NULL,
                    last_seen  bigint  NOT NULL,
                    ready      boolean NOT NULL DEFAULT false,
                    stopped_at bigint,
                    detail     jsonb   NOT NULL DEFAULT '{}',
                    PRIMARY KEY (service, instance)
                );
                -- What the notifier last reported per service: down since (the last heartbeat
                -- then) or up (NULL), so each change is announced once, whichever instance sees it.
                CREATE TABLE service_watch (
                    service      text    PRIMARY KEY,
                    down_since   bigint,
                    down_cleanly boolean NOT NULL DEFAULT false,
                    changed_at   bigint  NOT NULL
                );
                """
        ),
        Migration(
            version: 10,
            name: "backtest_runs",
            sql: """
                -- Backtest runs kept when asked (keel's BacktestRunStore): what ran, its figures, and
                -- its trades and equity curve. Times are milliseconds since the epoch (Keel's
                -- Timestamp); money, prices and quantities exact numeric.
                CREATE TABLE backtest_runs (
                    id           text    PRIMARY KEY,
                    created_at   bigint  NOT NULL,
                    label        text    NOT NULL,
                    strategy     text    NOT NULL,
                    parameters   jsonb   NOT NULL DEFAULT '{}',
                    settings     jsonb   NOT NULL DEFAULT '[]',  -- [{"name", "value"}] in display order
                    metrics      jsonb   NOT NULL,               -- as the report's result.json has them
                    start_time   bigint  NOT NULL,
                    end_time     bigint  NOT NULL,
                    start_equity numeric NOT NULL,
                    end_equity   numeric NOT NULL
                );
                CREATE INDEX backtest_runs_by_strategy ON backtest_runs (strategy, created_at DESC);
                -- A run's closed trades in closing order (seq from 1); side is the entry's (buy: long).
                CREATE TABLE backtest_trades (
                    run_id      text    NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
                    seq         integer NOT NULL,
                    symbol      text    NOT NULL,
                    side        text    NOT NULL,  -- buy | sell
                    entry_time  bigint  NOT NULL,
                    exit_time   bigint  NOT NULL,
                    entry_price numeric NOT NULL,
                    exit_price  numeric NOT NULL,
                    quantity    numeric NOT NULL,
                    fees        numeric NOT NULL,
                    funding     numeric NOT NULL,
                    pnl         numeric NOT NULL,  -- net of fees and funding
                    PRIMARY KEY (run_id, seq)
                );
                CREATE TABLE backtest_equity (
                    run_id text    NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
                    time   bigint  NOT NULL,
                    equity numeric NOT NULL,
                    PRIMARY KEY (run_id, time)
                );
                -- Live realised PnL per UTC day: each fill's realised PnL less its fee, less the
                -- funding paid that day.
                CREATE VIEW live_daily_pnl AS
                SELECT day, sum(pnl) AS pnl
                FROM (
                    SELECT (to_timestamp(filled_at / 1000.0) AT TIME ZONE 'UTC')::date AS day, realised_pnl - fee AS pnl
                    FROM exec_fills
                    UNION ALL
                    SELECT (to_timestamp(paid_at / 1000.0) AT TIME ZONE 'UTC')::date, -paid FROM exec_funding
                ) AS entries
                GROUP BY day;
                -- Every UTC day of each backtest run's span: the PnL of the run's trades that closed
                -- that day (net of their fees and funding) beside live PnL that day (NULL: no live
                -- fill or funding). Live books a fee when it is paid, a backtest trade when it closes.
                CREATE VIEW live_vs_backtest_daily AS
                SELECT runs.id AS run_id, days.day, coalesce(backtest.pnl, 0) AS backtest_pnl, live.pnl AS live_pnl
                FROM backtest_runs AS runs
                CROSS JOIN LATERAL (
                    SELECT generate_series(
                        (to_timestamp(runs.start_time / 1000.0) AT TIME ZONE 'UTC')::date,
                        (to_timestamp(runs.end_time / 1000.0) AT TIME ZONE 'UTC')::date,
                        interval '1 day')::date AS day
                ) AS days
                LEFT JOIN (
                    SELECT run_id, (to_timestamp(exit_time / 1000.0) AT TIME ZONE 'UTC')::date AS day, sum(pnl) AS pnl
                    FROM backtest_trades
                    GROUP BY 1, 2
                ) AS backtest ON backtest.run_id = runs.id AND backtest.day = days.day
                LEFT JOIN live_daily_pnl AS live ON live.day = days.day;
                """
        ),
        Migration(
            version: 11,
            name: "fill_venue_stops",
            sql: """
                -- The venue-side stop or target whose trigger placed a fill's order (stop_loss,
                -- take_profit, trailing_stop; NULL: an order placed by Keel or by hand): how risk
                -- tells a stop-out from any other closing fill.
                ALTER TABLE exec_fills ADD COLUMN venue_stop text;
                -- Each fill with the Keel order it belongs to: its intent ('' for an order Keel did
                -- not place) and its role (the venue stop that placed it, else the order's role).
                -- The one definition of a fill's role, for execution's fill messages and risk's start-up.
                CREATE VIEW exec_fill_roles AS
                SELECT f.fill_id, coalesce(o.intent_id, '') AS intent_id, coalesce(f.venue_stop, o.role, '') AS role
                FROM exec_fills f LEFT JOIN exec_orders o ON o.client_order_id = f.client_order_id AND f.client_order_id <> '';
                """
        ),
    ]
}
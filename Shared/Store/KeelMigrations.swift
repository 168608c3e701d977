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
    ]
}

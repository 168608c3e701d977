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
    ]
}

#ifndef KEEL_CRDKAFKA_SHIM_H
#define KEEL_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>

/* rd_kafka_producev is variadic, which Swift cannot call. This fixed-argument form copies key
 * and value, hands the headers to librdkafka on success (the caller destroys them on failure),
 * and passes `opaque` through to the delivery-report callback. */
static inline rd_kafka_resp_err_t keel_rd_kafka_produce(
    rd_kafka_t *rk, const char *topic,
    const void *key, size_t key_len,
    const void *value, size_t value_len,
    rd_kafka_headers_t *headers, void *opaque) {
    return rd_kafka_producev(
        rk,
        RD_KAFKA_V_TOPIC(topic),
        RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE((void *)value, value_len),
        RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
}
#endif

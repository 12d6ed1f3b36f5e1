/* trace.h — the message log of a link or a front end (`possum host --log-messages`): every
 * message in and out written as a JSON line "message" at debug, with its direction, peer,
 * MTI and fields, masked by card_mask_field() (card/card.h: card numbers to their first 6 and
 * last 4 digits, track data, PIN blocks, MACs, chip data and the cardholder's elements
 * starred), so the trace can be read and shared. Never the message's bytes. */
#ifndef POSSUM_NET_TRACE_H
#define POSSUM_NET_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "iso8583/iso8583.h"
#include "log/log.h"

/* Logs msg, a frame without its length header (for cup-pos with its TPDU and header), read
 * under p, as {"event":"message","link":link,"direction":"in"|"out","peer":peer,"mti":…,
 * "fields":{"2":"622588******5678",…}}; one that does not unpack as its "error" instead
 * of its fields. */
void net_trace(possum_log *log, const iso8583_profile *p, const char *link, const char *direction,
               const char *peer, const uint8_t *msg, size_t len);

#endif

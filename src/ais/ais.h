/* ais.h: the AIS message layer's contract: payload bits in, struct ais_msg out,
 * and the writers that turn a message into gpsd-compatible JSON or CSV.
 *
 * The framing layer (nmea.h: sentences, tag blocks, reassembly, de-armouring)
 * produces the payload bits and the struct ais_meta; this layer knows nothing
 * of NMEA text. Decoding is pure: no I/O, no clock, no allocation.
 */
#ifndef ATALAYA_AIS_AIS_H
#define ATALAYA_AIS_AIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Status codes shared by the AIS modules: 0 is success, negatives are reasons
 * a line or payload was not decoded (each has a counter in struct ais_stats). */
enum ais_status {
    AIS_OK = 0,
    AIS_EPARTIAL = -1,     /* a fragment was stored; the message is not complete yet */
    AIS_ECHECKSUM = -2,    /* NMEA or tag-block checksum mismatch */
    AIS_EARMOR = -3,       /* a character outside the 6-bit armouring alphabet, bad fill bits */
    AIS_ESHORT = -4,       /* payload too short for its message type */
    AIS_EUNSUPPORTED = -5, /* message type (or DAC/FI) we do not decode */
    AIS_EINVAL = -6,       /* malformed sentence (field count, numbers, fragment indexes) */
    AIS_EORPHAN = -7,      /* fragment that can never complete (out of order, timed out, evicted) */
    AIS_ENOTAIS = -8,      /* a line that is not an AIS sentence (comment, GPS, $BSALR, blank) */
};

/* The payload buffer bound: 5 slots of data is about 1,100 bits; multi-part
 * sentences up to 9 fragments are accepted as long as they fit here. */
#define AIS_MAX_PAYLOAD_BITS 4096
#define AIS_NO_TIME INT64_MIN

/* What the framing layer knows about a message besides its bits. */
struct ais_meta {
    int64_t time_ms;      /* event time, ms since the UNIX epoch: tag block c:, else USCG/Gatehouse time; AIS_NO_TIME if none */
    char source[32];      /* tag block s: (or USCG station id); "" if none */
    char channel;         /* radio channel 'A' or 'B' (or as received); 0 if empty */
    char talker[3];       /* "AI", "AB", "BS", ...; NUL-terminated */
    bool own_ship;        /* VDO rather than VDM */
    const char *raw;      /* the sentence(s) as received, fragments joined by '\n' (evidence); may be NULL */
    size_t raw_len;
};

#include "ais/ais_msg.h" /* struct ais_msg: one struct per ITU-R M.1371-5 message type */

/* Decodes nbits of de-armoured payload (MSB first) into *out.
 * Returns AIS_OK, AIS_ESHORT, AIS_EUNSUPPORTED or AIS_EINVAL. Never reads past
 * (nbits + 7) / 8 bytes. Does not clear *out beyond the fields the type uses. */
int ais_decode(const uint8_t *bits, unsigned nbits, struct ais_msg *out);

/* Output flags. */
#define AIS_OUT_UNSCALED 1u /* integers as transmitted, like gpsdecode -u */

/* Appends one JSON object (no newline) with gpsd's field names and scaling,
 * plus meta's time ("time", ISO 8601 UTC) and source ("source") when present.
 * 'Not available' values are omitted; text is trimmed of '@' and trailing spaces. */
void ais_write_json(struct buf *out, const struct ais_msg *m, const struct ais_meta *meta, unsigned flags);

/* CSV: ais_write_csv_header() once, then one row per message (no newline). */
void ais_write_csv_header(struct buf *out);
void ais_write_csv(struct buf *out, const struct ais_msg *m, const struct ais_meta *meta, unsigned flags);

#endif

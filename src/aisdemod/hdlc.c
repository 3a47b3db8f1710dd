/* hdlc.c: a de-stuffed HDLC frame -> AIS payload (ITU-R M.1371-5 Annex 2,
 * 3.2.2: data bytes go out least significant bit first, followed by the
 * CRC-16 FCS). */
#include "aisdemod/aisdemod.h"

#include <string.h>

int aisd_hdlc_unpack(const uint8_t *raw, unsigned n, uint8_t *payload)
{
    /* The shortest message (type 7/13 with one acknowledgement, 72 bits)
     * plus the FCS; anything shorter is noise that hit a flag. */
    if (n < 72 + 16 || n > AISD_MAX_PAYLOAD_BITS + 16 || (n - 16) % 8)
        return -2;
    unsigned crc = 0xFFFFu;
    for (unsigned i = 0; i < n; i++)
        crc = aisd_crc_bit(crc, raw[i]);
    if (crc != AISD_CRC_GOOD)
        return -1;
    unsigned nbits = n - 16;
    memset(payload, 0, (nbits + 7) / 8);
    for (unsigned i = 0; i < nbits; i++) {
        unsigned byte = i / 8, pos = i % 8; /* pos-th bit sent is the byte's bit 2^pos */
        payload[byte] |= (uint8_t)(raw[i] << pos);
    }
    return (int)nbits;
}

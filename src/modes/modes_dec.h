/* modes_dec.h: internal interface between the Mode S decoder's files
 * (decode.c: DF dispatch and surveillance fields; es.c: ADS-B ME types;
 * commb.c: Comm-B inference). Not part of the module's contract: only
 * modes_msg.h is. */
#ifndef ATALAYA_MODES_MODES_DEC_H
#define ATALAYA_MODES_MODES_DEC_H

#include <stdbool.h>
#include <stdint.h>

struct modes_msg;

/* What the decoder remembers about an aircraft that changes how its ADS-B
 * quality fields read (DO-260B 2.2.3.2.7.2: version, NIC supplements). */
struct modes_es_ctx {
    bool have_version;
    uint8_t version;
    uint8_t nic_a; /* NIC supplement A, from TC 31 */
    uint8_t nic_c; /* NIC supplement C, from surface TC 31 */
    bool hrd_true; /* TC 31 HRD bit clear: headings are true, not magnetic */
};

struct modes_frame;

/* Decodes every field a single frame carries (no CPR resolution), reading
 * version-dependent meanings from ctx (NULL: nothing known). Returns
 * MODES_DECODE_OK or a negative MODES_DECODE_E*. */
int modes_decode_fields(const struct modes_frame *f, struct modes_msg *m,
                        const struct modes_es_ctx *ctx);

/* The 6-bit character set of aircraft identification (Annex 10 Vol IV
 * table 3-9), shared by ES TC 1-4 and BDS 2,0: '#' marks non-characters. */
extern const char modes_id_charset[65];

/* 13-bit AC field (Annex 10 Vol IV 3.1.2.6.5.4): feet in *ft, *metric set
 * for M=1 replies. Returns false when the field is 0 or not a valid code. */
bool modes_alt_ac13(uint32_t ac13, int32_t *ft, bool *metric);

/* 12-bit ES altitude (ME bits 9-20, no M bit). Returns false when absent/invalid. */
bool modes_alt_ac12(uint32_t ac12, int32_t *ft);

/* 13-bit ID field to a squawk written as four octal digits read as decimal. */
uint16_t modes_squawk_id13(uint32_t id13);

/* Decodes the 56-bit ME field (me points at message byte 4) into m, with
 * ctx (may be NULL) supplying version and NIC supplements. Sets m->tc. */
void modes_es_decode(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx);

/* Infers the BDS register of a Comm-B MB field (mb points at message byte 4)
 * and decodes it into m (m->bds, bds_candidates). Pure. */
void modes_commb_decode(struct modes_msg *m, const uint8_t *mb);

/* ACAS RA fields from 30 bits laid out as in MB/ME bits 9-56 of BDS 3,0
 * (ARA, RAC, RAT, MTE, TTI, TID); p points at the byte holding bit 1. */
void modes_acas_ra_decode(struct modes_msg *m, const uint8_t *p);

#endif

/* es.h: internal split of the ADS-B ME decoder (es.c dispatches by type
 * code to es_position.c and es_velocity.c). Not part of the module contract. */
#ifndef ATALAYA_MODES_ES_H
#define ATALAYA_MODES_ES_H

#include <stdint.h>

struct modes_msg;
struct modes_es_ctx;

/* Each fills m from the ME field (me = message byte 4), m->tc already set. */
void modes_es_surface(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx);
void modes_es_airborne(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx);
void modes_es_velocity(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx);

/* Updates ctx from a TC 31 ME field (version, NIC supplements A and C);
 * leaves it alone for any other ME. */
void modes_es_opstatus_ctx(const uint8_t *me, struct modes_es_ctx *ctx);

/* Surface movement code (7 bits) to knots; -1 when not available. */
double modes_es_movement(unsigned v);

#endif

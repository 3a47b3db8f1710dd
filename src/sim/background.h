/* background.h: background traffic drawn from the seed (internal to the
 * scenario loader; see docs/scenario-format.md "background"). */
#ifndef ATALAYA_SIM_BACKGROUND_H
#define ATALAYA_SIM_BACKGROUND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"

/* Appends a zeroed entity to sc (cap: the allocated count, updated). */
struct sim_entity *sim_scenario_add(struct sim_scenario *sc, size_t *cap);

/* Adds the vessels and aircraft that bg asks for. places: the scenario's
 * named points. Returns 0, or -1 with a message in err. */
int sim_background_add(struct sim_scenario *sc, json_t *bg, json_t *places, uint64_t seed,
                       size_t *cap, char *err, size_t errlen);

#endif

/* text.h: AIS six-bit text and the code tables shared by the writers. */
#ifndef ATALAYA_AIS_TEXT_H
#define ATALAYA_AIS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes nchars six-bit characters starting at bit `start` into out (NUL-
 * terminated, out must hold nchars + 1). As gpsd does, '@' ends the text and
 * trailing spaces are trimmed. Characters past nbits are not read: the text
 * stops there. Returns the length written. */
size_t ais_text(const uint8_t *bits, unsigned nbits, unsigned start, unsigned nchars, char *out);

const char *ais_nav_status_text(unsigned v);
const char *ais_ship_type_text(unsigned v);
const char *ais_epfd_text(unsigned v);
const char *ais_aid_type_text(unsigned v);
const char *ais_station_type_text(unsigned v);
const char *ais_eri_ship_type_text(unsigned v); /* inland (ERI) ship types, DAC 200 */

#endif

/* crc.h: Mode S CRC-24 (ICAO Annex 10 Vol IV 3.1.2.3.3, generator polynomial
 * 0x1FFF409) and error correction by syndrome.
 *
 * The last 24 bits of a frame are parity (PI or AP). The residual is the CRC of
 * the data bits XOR those 24 bits: 0 for a clean DF11 (IID 0), DF17 or DF18;
 * the interrogator ID for DF11 replies to a lockout interrogation; the
 * aircraft address for the address/parity formats DF0/4/5/16/20/21.
 * A bit error changes the residual by a value that depends only on which bit
 * flipped (the syndrome), so corrections are table lookups.
 */
#ifndef ATALAYA_MODES_CRC_H
#define ATALAYA_MODES_CRC_H

#include <stdint.h>

/* Residual of a frame of `bits` (56 or 112) bits. */
uint32_t modes_crc_residual(const uint8_t *msg, int bits);

/* CRC-24 of the first nbytes of data (the value the parity field holds). */
uint32_t modes_crc24(const uint8_t *data, int nbytes);

/* Corrects up to max_errors (1 or 2) flipped bits in a frame whose residual
 * should be 0 (DF11 with IID 0, DF17, DF18). The 5 DF bits are never touched:
 * a fix there would change what the frame is. Returns the number of bits
 * fixed (0 when the residual is already 0), or -1 when no correction of at
 * most max_errors bits explains the residual. msg is modified only on success. */
int modes_crc_fix(uint8_t *msg, int bits, int max_errors);

#endif

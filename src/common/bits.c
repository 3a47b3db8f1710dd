#include "common/bits.h"

void bits_put(uint8_t *buf, unsigned start, unsigned width, uint64_t v)
{
    for (unsigned k = 0; k < width; k++) {
        unsigned i = start + k;
        unsigned bit = (unsigned)(v >> (width - 1 - k)) & 1u;
        uint8_t mask = (uint8_t)(0x80u >> (i & 7));
        if (bit)
            buf[i >> 3] |= mask;
        else
            buf[i >> 3] &= (uint8_t)~mask;
    }
}

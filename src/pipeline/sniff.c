/* sniff.c: format detection by scoring the first lines (sniff.h). */
#include <string.h>

#include "common/hex.h"
#include "pipeline/sniff.h"

/* Walks Beast frames from the first 0x1a: counts how many frames in a row
 * have a known type, the right escaped length, and a 0x1a right after. Byte
 * statistics alone mislead on Beast streams full of zero counters. */
static int beast_frames_in_a_row(const unsigned char *p, long n)
{
    long i = 0;
    while (i < n && p[i] != 0x1a)
        i++;
    int frames = 0;
    while (i + 1 < n && p[i] == 0x1a) {
        int len = p[i + 1] == '1' ? 2 : p[i + 1] == '2' ? 7 : (p[i + 1] == '3' || p[i + 1] == '4') ? 14 : 0;
        if (!len)
            break;
        long j = i + 2;
        for (int k = 0; k < 7 + len && j < n; k++, j++)
            if (p[j] == 0x1a) {
                if (j + 1 >= n || p[j + 1] != 0x1a)
                    return frames; /* a lone 0x1a inside a frame: not Beast here */
                j++;
            }
        if (j >= n)
            break; /* the window ends inside this frame */
        frames++;
        i = j;
    }
    return frames;
}

enum decode_input decode_sniff(const unsigned char *p, long n)
{
    if (beast_frames_in_a_row(p, n) >= 3)
        return IN_BEAST;
    /* Score each candidate over the first lines: the first byte alone can
     * lie (leading garbage, a comment line). */
    long nmea = 0, avr = 0, sbs = 0, beast = 0, binary = 0, high = 0;
    for (long i = 0; i < n; i++) {
        int line_start = i == 0 || p[i - 1] == '\n';
        if (p[i] == 0x1a && i + 1 < n && p[i + 1] >= '1' && p[i + 1] <= '5')
            beast++;
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
            binary++;
        high += p[i] >= 0x80;
        if (!line_start)
            continue;
        if (p[i] == '!' || p[i] == '$' || p[i] == '\\')
            nmea++;
        else if ((p[i] == '*' || p[i] == '@' || p[i] == ':') && i + 1 < n && hex_digit(p[i + 1]) >= 0)
            avr++;
        else if (n - i >= 4 && !memcmp(p + i, "MSG,", 4))
            sbs++;
    }
    if (beast >= 2 && beast * 8 >= binary)
        return IN_BEAST;
    /* Raw I/Q: control bytes (sc16, strong uc8) or, for 8-bit samples near
     * the 127.5 midpoint, half the bytes >= 0x80; text logs have neither. */
    if (binary * 50 > n || high * 4 > n)
        return IN_IQ;
    if (nmea >= avr && nmea >= sbs && nmea > 0)
        return IN_NMEA;
    if (avr >= sbs && avr > 0)
        return IN_AVR;
    if (sbs > 0)
        return IN_SBS;
    return IN_NMEA;
}


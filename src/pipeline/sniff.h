/* sniff.h: which format a stream is in, from its first bytes: AIS NMEA,
 * AVR, Beast, SBS or raw I/Q samples. `decode --input auto` and every
 * pipeline source opened on a recording ask it. */
#ifndef ATALAYA_PIPELINE_SNIFF_H
#define ATALAYA_PIPELINE_SNIFF_H

enum decode_input { IN_AUTO, IN_NMEA, IN_AVR, IN_BEAST, IN_SBS, IN_IQ };

/* Guesses the input format from the first n bytes of a stream. */
enum decode_input decode_sniff(const unsigned char *p, long n);

#endif

/* sbs_write.h: decoded Mode S messages as SBS/BaseStation lines (the text of
 * dump1090's port 30003), for clients such as Virtual Radar Server. */
#ifndef ATALAYA_MODES_SBS_WRITE_H
#define ATALAYA_MODES_SBS_WRITE_H

struct buf;
struct modes_msg;

/* Appends one "MSG,t,..." line with CRLF, or nothing when the message carries
 * nothing an SBS line can hold (no address). The date and time fields are
 * the message's event time (UTC). */
void modes_write_sbs(struct buf *out, const struct modes_msg *m);

#endif

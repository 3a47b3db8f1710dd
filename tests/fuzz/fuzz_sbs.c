/* fuzz_sbs.c: libFuzzer target over SBS/BaseStation text input: each line
 * through modes_sbs_parse, and what parses written back as SBS and JSON and
 * parsed again (the writer's output must always be readable by the reader). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "modes/modes_msg.h"
#include "modes/sbs_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out;
    buf_init(&out, 512);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct modes_msg m, back;
        if (modes_sbs_parse(p, len, &m) == 0) {
            out.len = 0;
            modes_write_json(&out, &m);
            out.len = 0;
            modes_write_sbs(&out, &m);
            if (out.len >= 2 && modes_sbs_parse(out.p, out.len - 2, &back) != 0)
                abort(); /* our own line must parse */
        }
        p += len + (nl != NULL);
    }
    buf_free(&out);
    return 0;
}

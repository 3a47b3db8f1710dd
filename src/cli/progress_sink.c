/* progress_sink.c: one live progress line for the commands that read
 * recordings through the pipeline (ingest, replay): bytes of all the files
 * read of their total, messages/s and time left, on a terminal only
 * (common/progress.h), fed by a pipeline sink. */
#include <stdint.h>

#include "cli/cli.h"
#include "common/input.h"
#include "pipeline/pipeline.h"

static void on_update(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    (void)u;
    (void)evidence;
    (void)evidence_len;
    struct cli_progress *c = ctx;
    progress_update(&c->pr, c->before + c->p->in_read, c->p->n.updates);
}

void cli_progress_begin(struct cli_progress *c, struct pipeline *p, const char *what, char **files, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        struct in_file *f = in_open(files[i]);
        uint64_t size = f ? in_size(f) : 0;
        in_close(f);
        if (!size) { /* a pipe or an unknown size: no share, no time left */
            total = 0;
            break;
        }
        total += size;
    }
    *c = (struct cli_progress){.p = p};
    progress_start(&c->pr, what, PROGRESS_BYTES, total);
    if (c->pr.on)
        pipeline_add_sink(p, &(struct pipeline_sink){.ctx = c, .update = on_update});
}

void cli_progress_file_done(struct cli_progress *c)
{
    c->before += c->p->in_read;
    c->p->in_read = 0;
}

void cli_progress_end(struct cli_progress *c)
{
    progress_end(&c->pr, c->before, c->p->n.updates);
}

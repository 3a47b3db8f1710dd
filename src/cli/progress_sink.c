/* progress_sink.c: one live progress line for the commands that read
 * recordings through the pipeline (ingest, replay): bytes of all the files
 * read of their total, messages/s and time left, on a terminal only
 * (common/progress.h), fed by a pipeline sink. */
#include <stdint.h>
#include <sys/stat.h>

#include "cli/cli.h"
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
        /* stat, not open: opening a FIFO's read end before the reader does
         * would break the writer's pipe. */
        struct stat sb;
        if (stat(files[i], &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
            total = 0; /* a pipe or an unknown size: no share, no time left */
            break;
        }
        total += (uint64_t)sb.st_size;
    }
    *c = (struct cli_progress){.p = p};
    progress_start(&c->pr, what, PROGRESS_BYTES, total);
    if (c->pr.on)
        pipeline_add_sink(p, &(struct pipeline_sink){.ctx = c, .update = on_update});
}

void cli_progress_file_done(struct cli_progress *c)
{
    if (!c->p) /* never begun (--quiet) */
        return;
    c->before += c->p->in_read;
    c->p->in_read = 0;
}

void cli_progress_end(struct cli_progress *c)
{
    if (c->p)
        progress_end(&c->pr, c->before, c->p->n.updates);
}

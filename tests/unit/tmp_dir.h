/* tmp_dir.h: a flat temporary folder for unit tests that write files (the
 * spool and publish tests): made under /tmp with a name the test chooses,
 * removed with what it holds at the end. */
#ifndef ATALAYA_TEST_TMP_DIR_H
#define ATALAYA_TEST_TMP_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* dir gets /tmp/atalaya-NAME-XXXXXX, made; aborts when it cannot be (no test
 * can go on without it). */
static inline void tmp_dir_make(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/atalaya-%s-XXXXXX", name);
    if (!mkdtemp(dir))
        abort();
}

/* Removes the files in dir (it has no sub-folders), then dir. */
static inline void tmp_dir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

#endif

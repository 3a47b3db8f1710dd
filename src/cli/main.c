/* main.c: the `atalaya` entry point, a table of git-style subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"decode", cmd_decode, "decode AIS NMEA or Mode S (AVR, Beast, SBS, IQ) to JSON lines or CSV"},
    {"run", cmd_run, "live: network feeds and files -> tracker; JSON snapshots and re-broadcast"},
    {"replay", cmd_replay, "replay a recording through decoders and tracker; events and snapshots"},
    {"registry", cmd_registry, "import a user-supplied aircraft registry (icao24, registration, type) and look it up"},
    {"watchlist", cmd_watchlist, "import (OFAC SDN, OpenSanctions FtM, CSV), list, add and remove watchlist entries"},
    {"simulate", cmd_simulate, "scenario -> the AIS and Mode S broadcasts its receivers hear, and the truth"},
    {"ingest", cmd_ingest, "recordings through decoders and tracker into the store (positions, identity history)"},
    {"serve", cmd_serve, "the web map and the REST API (docs/formats/api-v1.md) over a store"},
    {"query", cmd_query, "the store: an entity's track in a window, its identities over time, events"},
    {"stream", cmd_stream, "the observation stream (NATS JetStream): messages per shard, each message, a receiver's spool"},
    {"config", cmd_config, "every option and detector/tracker threshold with its default; check a config file"},
    {"lookup", cmd_lookup, "flag, country, operator and watchlist matches of an MMSI, IMO, address or callsign"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: atalaya COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (const struct subcommand *c = subcommands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n`atalaya COMMAND --help` describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("atalaya %s\n", ATALAYA_VERSION);
        return 0;
    }
    for (const struct subcommand *c = subcommands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "atalaya: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 1;
}

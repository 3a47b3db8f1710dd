#!/usr/bin/env bash
# stream_link.sh: the JetStream link (src/stream/link.c) against a real
# nats-server on 127.0.0.1: test_stream's link_to_server case.
set -u
. "$(dirname "$0")/nats_lib.sh"
nats_start || { echo "not ok - stream_link: nats-server"; exit 1; }
ATALAYA_TEST_NATS=$NATS_URL "$ATALAYA_BUILD/tests/test_stream" 2>&1 | sed 's/^ok - /ok - stream_link: /; s/^not ok - /not ok - stream_link: /'

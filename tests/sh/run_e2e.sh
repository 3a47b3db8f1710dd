#!/usr/bin/env bash
# End to end: the real binary on loopback ports. A Beast feeder pushes the
# Toulouse capture twice (two receivers hearing the same aircraft: the second
# copy is dropped as duplicate), an AVR feeder we connect to (as raw+tcp, the
# dump1090 name) serves the same frames, AIS arrives as UDP datagrams. We check
# aircraft.json, vessels.json, receiver.json, the alerts, and that each output
# port (Beast, AVR, SBS, NMEA) re-broadcasts exactly what went in, once.
# Everything stays on 127.0.0.1 and stops by itself.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
python3 "$root/tests/tools/run_e2e.py" "$ATALAYA" "$root" "$tmp"

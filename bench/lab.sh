#!/usr/bin/env bash
# The shaped swarm lab: runs `iceshare-bench.jar lab ...` in a private network namespace, where every
# node (the source, each peer, IceShare and libtorrent alike) has its own 127.0.0.x address and the
# kernel caps each address's upload (and optionally download) with one HTB class on lo. The caps come
# from the lab's profile (org.iceshare.bench.lab.LabProfile); the Java side installs them with tc and
# reads the kernel's byte counters. No delay or loss is emulated (this kind of machine has no netem).
#
#   bench/lab.sh --profile heterogeneous --peers 25 --size-mib 64 --runs 3
#   bench/lab.sh --help
#
# Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), unshare, ip and tc (iproute2), the bench jar
# (./mvnw install -DskipTests -pl bench -am) and, for the libtorrent runs, bench/baselines/install.sh.
# LAB_JAVA and LAB_JAVA_CP override the java command and run the lab from a class path instead of the
# jar (the CI smoke test does so); LAB_JAVA_OPTS adds JVM options.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exec "${LAB_JAVA:-java}" -jar "$here/target/iceshare-bench.jar" help
fi

if [ -z "${ICESHARE_LAB_INSIDE:-}" ]; then
  for tool in unshare ip tc; do
    command -v "$tool" >/dev/null || { echo "lab: $tool is missing (iproute2/util-linux)" >&2; exit 3; }
  done
  # a private network namespace: only lo, which this script brings up; the host's lo is never touched
  ICESHARE_LAB_INSIDE=1 exec unshare -n -- "$0" "$@"
fi

ip link set lo up
cd "$repo"
java="${LAB_JAVA:-java}"
# shellcheck disable=SC2086 # LAB_JAVA_OPTS is a list of options
if [ -n "${LAB_JAVA_CP:-}" ]; then
  exec "$java" ${LAB_JAVA_OPTS:-} -cp "$LAB_JAVA_CP" org.iceshare.bench.Bench lab "$@"
fi
jar="$here/target/iceshare-bench.jar"
[ -f "$jar" ] || { echo "lab: $jar is missing; build it: ./mvnw -o -q install -DskipTests -pl bench -am" >&2; exit 3; }
exec "$java" ${LAB_JAVA_OPTS:-} -jar "$jar" lab "$@"

#!/usr/bin/env bash
# Fuzzes the parsers a stranger can reach with Jazzer, one target after another, each for a given time,
# with the JVM heap capped, and prints a summary (executions, exec/s, peak RSS, findings).
#
#   bench/fuzz.sh [DURATION] [TARGET...]
#
# DURATION is Jazzer's: 30s, 10m, 1h (default 10m). A TARGET is module:Class#method, for example
# bundles/org.iceshare.icet:IcetFuzzTest#framesFromAStranger; without targets, all of them run.
#
# Environment:
#   FUZZ_HEAP        the fuzzing JVM's -Xmx (default 512m): memory must stay bounded below it
#   FUZZ_MAVEN_ARGS  extra Maven arguments, e.g. "-o -Dmaven.repo.local=/path/to/repo"
#   FUZZ_NO_INSTALL  set to 1 to skip installing the modules first (they are already installed)
#   FUZZ_OUT         where the logs and the summary go (default target/fuzz)
#
# A finding is written by Jazzer into the target's inputs directory
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-...), where the normal test run replays it as
# a regression test: fix the bug, keep the file (give it a name that says what it is). Logs and the
# summary go to target/fuzz/.
set -u
cd "$(dirname "$0")/.."

DURATION=${1:-10m}
[ $# -gt 0 ] && shift
HEAP=${FUZZ_HEAP:-512m}
MAVEN_ARGS=${FUZZ_MAVEN_ARGS:-}

ALL_TARGETS=(
  "bundles/org.iceshare.icet:IcetFuzzTest#framesFromAStranger"
  "bundles/org.iceshare.media.ogg:OggParsersFuzzTest#liveReader"
  "bundles/org.iceshare.media.ogg:OggParsersFuzzTest#liveCutter"
  "bundles/org.iceshare.media.ogg:OggParsersFuzzTest#fileLayout"
  "bundles/org.iceshare.core:PlayerFuzzTest#requestsFromAPlayer"
  "bundles/org.iceshare.source:PushFuzzTest#requestsFromASource"
  "bundles/org.iceshare.source:PushFuzzTest#chunkedBodies"
)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

OUT=${FUZZ_OUT:-target/fuzz}
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"

modules=$(for t in "${TARGETS[@]}"; do echo "${t%%:*}"; done | sort -u | paste -sd, -)
if [ "${FUZZ_NO_INSTALL:-0}" != 1 ]; then
  echo "installing $modules and what they need (no tests)"
  # shellcheck disable=SC2086
  ./mvnw -q -B -ntp $MAVEN_ARGS install -DskipTests -pl "$modules" -am || exit 1
fi

printf '%-60s %9s %12s %9s %10s %s\n' "target ($DURATION each, -Xmx$HEAP)" seconds executions exec/s "peak RSS" result \
  | tee "$SUMMARY"
failed=0
for t in "${TARGETS[@]}"; do
  module=${t%%:*}
  test=${t#*:}
  name=$(basename "$module")-${test//#/-}
  log="$OUT/$name.log"
  times="$OUT/$name.time"
  started=$(date +%s)
  # JAZZER_FUZZ: fuzz instead of replaying the inputs; JAZZER_MAX_DURATION overrides @FuzzTest(maxDuration);
  # JAZZER_INSTRUMENT: coverage of all IceShare classes, also those in other modules' jars (the API codec);
  # jazzer.hooks=true: Jazzer's agent (coverage, sanitizers), which the normal test run leaves out (see pom.xml);
  # JAVA_TOOL_OPTIONS caps the heap of every JVM started, the test JVM that fuzzes included, and keeps
  # the code's INFO lines (a push accepted, a stream closed: thousands a second) out of the log.
  # shellcheck disable=SC2086
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$DURATION" JAZZER_INSTRUMENT='org.iceshare.**' \
    JAVA_TOOL_OPTIONS="-Xmx$HEAP -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
    /usr/bin/time -v -o "$times" \
    ./mvnw -B -ntp $MAVEN_ARGS -pl "$module" test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true \
    >"$log" 2>&1
  rc=$?
  seconds=$(( $(date +%s) - started ))
  # libFuzzer's last status line and its closing "Done N runs in S second(s)"
  runs=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
  fuzz_seconds=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}')
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
  [ -z "$runs" ] && runs=$(echo "$last" | grep -aEo '^#[0-9]+' | tr -d '#')
  execs=$(echo "$last" | grep -aEo 'exec/s: [0-9]+' | awk '{print $2}')
  [ -n "$runs" ] && [ -n "$fuzz_seconds" ] && [ "$fuzz_seconds" -gt 0 ] && execs=$(( runs / fuzz_seconds ))
  rss_kb=$(grep 'Maximum resident set size' "$times" 2>/dev/null | awk '{print $NF}')
  rss="${rss_kb:+$(( rss_kb / 1024 ))MB}"
  if [ $rc -eq 0 ]; then
    result="no finding"
  else
    failed=1
    finding=$(grep -aEo "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')
    result="FAILED (exit $rc)${finding:+: $finding}"
    grep -aq OutOfMemoryError "$log" && result="$result, OutOfMemoryError"
  fi
  printf '%-60s %9s %12s %9s %10s %s\n' "$t" "${fuzz_seconds:-$seconds}" "${runs:-?}" "${execs:-?}" "${rss:-?}" \
    "$result" | tee -a "$SUMMARY"
done
echo "logs in $OUT/, summary in $SUMMARY"
exit $failed

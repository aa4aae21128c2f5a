#!/usr/bin/env bash
#
# Starts IceShare locally: builds the distribution if needed, unpacks it into ./run/iceshare and
# starts Karaf in the background.
#
#   ./iceshare-start.sh          build (if needed), unpack (if needed) and start
#   ./iceshare-start.sh stop     stop it
#   ./iceshare-start.sh status   is it running?
#
# Environment: ICESHARE_START_TIMEOUT (seconds to wait for the ports, default 120),
#              JAVA_HOME (a JDK 17; /usr/lib/jvm/java-17-openjdk-amd64 is used when present).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="$ROOT/run"
KARAF_DIR="$RUN_DIR/iceshare"
TIMEOUT="${ICESHARE_START_TIMEOUT:-120}"

die() { echo "iceshare-start: $*" >&2; exit 1; }
say() { echo "iceshare-start: $*"; }

# Karaf 4.4.10 runs on Java 17 (it does not start on Java 25).
pick_java() {
    if [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then
        JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
    elif [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
        JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    fi
    [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "no JDK found: install JDK 17 or set JAVA_HOME"
    local version
    version="$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    [ "$version" = "17" ] || die "JAVA_HOME=$JAVA_HOME is Java $version; IceShare (Karaf 4.4.10) needs Java 17"
    export JAVA_HOME
    export PATH="$JAVA_HOME/bin:$PATH"
}

# Reads "key = value" from a Karaf .cfg file.
cfg() {
    sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$KARAF_DIR/etc/$1" | tail -n1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Karaf writes its pid to karaf.pid; cheaper than bin/status (which starts a JVM check every time)
karaf_pid() { cat "$KARAF_DIR/karaf.pid" 2>/dev/null || true; }
running() {
    local pid
    pid="$(karaf_pid)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && ps -p "$pid" -o args= 2>/dev/null | grep -q 'org.apache.karaf.main.Main'
}

distribution() { ls -t "$ROOT"/distribution/target/iceshare-distribution-*.tar.gz 2>/dev/null | head -n1 || true; }

build_if_needed() {
    local dist newer
    dist="$(distribution)"
    if [ -n "$dist" ]; then
        newer="$(find "$ROOT/pom.xml" "$ROOT/bundles" "$ROOT/features" "$ROOT/distribution" \
            \( -path '*/target' -o -path '*/src/test' \) -prune -o -type f -newer "$dist" -print 2>/dev/null | head -n1 || true)"
        [ -z "$newer" ] && return 0
        say "sources changed since the last build ($newer); rebuilding"
    else
        say "no distribution built yet; building (the first build downloads Maven and Karaf, a few minutes)"
    fi
    (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl distribution -am package) \
        || die "build failed: run './mvnw -B -DskipTests -pl distribution -am package' to see why"
    [ -n "$(distribution)" ] || die "the build made no distribution/target/iceshare-distribution-*.tar.gz"
}

unpack_if_needed() {
    local dist
    dist="$(distribution)"
    if [ -f "$KARAF_DIR/.unpacked" ] && [ ! "$dist" -nt "$KARAF_DIR/.unpacked" ]; then
        return 0
    fi
    local keep=""
    if [ -d "$KARAF_DIR/data/iceshare" ]; then
        # keep the peers' stored pieces across a new build; everything else is replaced
        keep="$RUN_DIR/.iceshare-data.$$"
        mv "$KARAF_DIR/data/iceshare" "$keep"
    fi
    if [ -d "$KARAF_DIR" ]; then
        say "replacing $KARAF_DIR with the new build (changes to its etc/ are not kept)"
        rm -rf "$KARAF_DIR"
    fi
    mkdir -p "$KARAF_DIR"
    tar -xzf "$dist" -C "$KARAF_DIR" --strip-components=1
    if [ -n "$keep" ]; then
        mkdir -p "$KARAF_DIR/data"
        mv "$keep" "$KARAF_DIR/data/iceshare"
    fi
    # bin/karaf, bin/client, bin/stop ... all read bin/setenv: pin them to the JDK 17 found here
    printf '\n# added by iceshare-start.sh: Karaf 4.4.10 needs Java 17\nexport JAVA_HOME="%s"\n' "$JAVA_HOME" \
        >> "$KARAF_DIR/bin/setenv"
    touch "$KARAF_DIR/.unpacked"
    say "unpacked $(basename "$dist") into $KARAF_DIR"
}

print_help() {
    local ssh http tracker peer peer_http
    ssh="$(cfg org.apache.karaf.shell.cfg sshPort)"
    http="$(cfg org.ops4j.pax.web.cfg org.osgi.service.http.port)"
    tracker="$(cfg org.iceshare.tracker.cfg port)"
    peer="$(cfg org.iceshare.peer-default.cfg port)"
    peer_http="$(cfg org.iceshare.peer-default.cfg httpPort)"
    local rel="${KARAF_DIR#"$PWD"/}"
    cat <<EOF

IceShare is running (Karaf pid $(karaf_pid), home $rel).

  Console:      $rel/bin/client -u karaf -p karaf
                (or: ssh -p $ssh karaf@127.0.0.1, password karaf)
  Web Console:  http://127.0.0.1:$http/system/console   (user karaf, password karaf)
  Tracker:      127.0.0.1:$tracker      peer "default": 127.0.0.1:$peer, player HTTP on 127.0.0.1:$peer_http

  In the console:
    feature:list -i | grep iceshare
    iceshare:publish /path/to/file.ogg
    iceshare:get icet://127.0.0.1:$tracker/file.ogg
    iceshare:status

  Logs:         $rel/data/log/karaf.log
  Stop:         ./iceshare-start.sh stop     (or $rel/bin/stop)
EOF
}

start() {
    pick_java
    if running; then
        say "already running"
        print_help
        return 0
    fi
    build_if_needed
    unpack_if_needed

    local ssh tracker
    ssh="$(cfg org.apache.karaf.shell.cfg sshPort)"
    tracker="$(cfg org.iceshare.tracker.cfg port)"
    for p in "$ssh" "$tracker"; do
        port_open "$p" && die "port $p is already in use by another program; stop it or change the port in $KARAF_DIR/etc"
    done

    mkdir -p "$KARAF_DIR/data/log"
    local console_log="$KARAF_DIR/data/log/console.log"
    local t0=$SECONDS
    say "starting Karaf (JAVA_HOME=$JAVA_HOME)"
    # setsid: Karaf gets its own session, so it outlives this shell and its job control
    if command -v setsid >/dev/null; then
        KARAF_REDIRECT="$console_log" setsid "$KARAF_DIR/bin/start" </dev/null >/dev/null 2>&1
    else
        KARAF_REDIRECT="$console_log" "$KARAF_DIR/bin/start" </dev/null >/dev/null 2>&1
    fi

    say "waiting up to ${TIMEOUT}s for ssh (port $ssh) and the tracker (port $tracker)"
    local waiting=""
    while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
        waiting=""
        port_open "$ssh" || waiting="$waiting ssh:$ssh"
        port_open "$tracker" || waiting="$waiting tracker:$tracker"
        [ -z "$waiting" ] && break
        if [ $((SECONDS - t0)) -gt 5 ] && ! running; then
            die "Karaf stopped during startup; see $KARAF_DIR/data/log/karaf.log and $console_log"
        fi
        sleep 0.5
    done
    if [ -n "$waiting" ]; then
        die "Karaf is running but after ${TIMEOUT}s nothing answers on${waiting}. See $KARAF_DIR/data/log/karaf.log" \
            "(and $console_log); check 'feature:list -i' and 'scr:list' in $KARAF_DIR/bin/client -u karaf -p karaf." \
            "Stop it with ./iceshare-start.sh stop"
    fi
    say "up in $((SECONDS - t0))s"
    print_help
}

stop() {
    pick_java
    if ! running; then
        say "not running"
        return 0
    fi
    local pid
    pid="$(karaf_pid)"
    say "stopping Karaf${pid:+ (pid $pid)}"
    "$KARAF_DIR/bin/stop" >/dev/null 2>&1 || true
    local t0=$SECONDS
    while running && [ $((SECONDS - t0)) -lt 30 ]; do sleep 0.5; done
    if running && [ -n "$pid" ]; then
        say "still running after 30s; sending SIGTERM to $pid"
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do sleep 0.5; done
    fi
    running && die "could not stop Karaf${pid:+ (pid $pid)}"
    say "stopped"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) if running; then say "running (pid $(karaf_pid))"; else say "not running"; exit 1; fi ;;
    -h|--help|help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (use: start, stop, status)" ;;
esac

#!/usr/bin/env bash
#
# Starts IceShare locally: builds the distribution if needed, unpacks it as the installation
# (run/installation, Karaf's KARAF_HOME, replaced by every new build) and starts an instance of it
# (run/<instance>, Karaf's KARAF_BASE: your etc/, deploy/ and data/, kept across builds) in the
# background.
#
#   ./iceshare-start.sh [start] [--instance NAME] [--port-offset N]
#                                 build (if needed), install or upgrade (if needed) and start
#   ./iceshare-start.sh stop [--instance NAME]      stop it
#   ./iceshare-start.sh status [--instance NAME]    is it running? (exit 1 if not)
#
#   --instance NAME    the instance in run/NAME (default: iceshare, in run/iceshare)
#   --port-offset N    adds N to every port the instance opens (default: 0, or what the instance
#                      was last started with); run a second instance on one machine with, say,
#                      ./iceshare-start.sh --instance second --port-offset 100
#
# Ports at offset 0 (each + N with --port-offset N): tracker 7740, peer "default" 7741 and its player
# HTTP 8190, ssh console 8101, web console 8181, JMX RMI registry 1099 and server 44444, live push
# 8001 (feature iceshare-source); the tracker's and the peer's TLS ports are free ports unless their
# transportPorts set them (then they move too). After a start, the script prints the instance's ports.
#
# A new build is installed when no instance runs on the current installation. At its next start,
# each instance is upgraded: new default files are added to its etc/, files you did not change
# are updated, files you changed are kept (or merged, when the new defaults changed other lines;
# what cannot be merged is kept as you left it, with the new default beside it in
# run/NAME/upgrade/<time>/), its OSGi cache (data/cache) is cleared and features you installed
# or uninstalled at run time are installed or uninstalled again. deploy/ and the rest of data/
# (stored pieces, TLS identity, logs) are kept. The script says what it kept and added.
#
# Environment: ICESHARE_START_TIMEOUT (seconds to wait for the ports, default 120),
#              JAVA_HOME (a JDK 17; /usr/lib/jvm/java-17-openjdk-amd64 is used when present),
#              ICESHARE_DISTRIBUTION (a distribution .tar.gz to install instead of building one),
#              ICESHARE_RUN_DIR (where the installation and the instances live, default ./run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${ICESHARE_RUN_DIR:-$ROOT/run}"
HOME_DIR="$RUN_DIR/installation"
HOME_STAMP="$HOME_DIR/.iceshare-installation"
TIMEOUT="${ICESHARE_START_TIMEOUT:-120}"
DEFAULT_INSTANCE=iceshare

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

# ------------------------------------------------------------------------------------ arguments

COMMAND=start
INSTANCE="$DEFAULT_INSTANCE"
OFFSET=""
parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            start|stop|status) COMMAND="$1" ;;
            -h|--help|help) COMMAND=help ;;
            --instance) [ $# -ge 2 ] || die "--instance needs a name"; INSTANCE="$2"; shift ;;
            --instance=*) INSTANCE="${1#*=}" ;;
            --port-offset) [ $# -ge 2 ] || die "--port-offset needs a number"; OFFSET="$2"; shift ;;
            --port-offset=*) OFFSET="${1#*=}" ;;
            *) die "unknown argument '$1' (use: [start|stop|status] [--instance NAME] [--port-offset N]; --help)" ;;
        esac
        shift
    done
    case "$INSTANCE" in
        installation|upgrade) die "'$INSTANCE' cannot be an instance name: run/$INSTANCE is the installation's" ;;
        [A-Za-z0-9]*) [[ "$INSTANCE" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] \
                          || die "instance name '$INSTANCE': use letters, digits, '.', '_' and '-'" ;;
        *) die "instance name '$INSTANCE': use letters, digits, '.', '_' and '-' (starting with a letter or digit)" ;;
    esac
    if [ -n "$OFFSET" ]; then
        [[ "$OFFSET" =~ ^-?[0-9]+$ ]] || die "--port-offset '$OFFSET' is not a whole number"
        if [[ "$OFFSET" == -* ]]; then OFFSET=$((-10#${OFFSET#-})); else OFFSET=$((10#$OFFSET)); fi
        [ "$COMMAND" = start ] || die "--port-offset applies to start only"
    fi
    INST="$RUN_DIR/$INSTANCE"
    META="$INST/.iceshare"
}

# ------------------------------------------------------------------------------------ helpers

# Reads "key = value" from a .cfg file of the instance.
cfg() {
    [ -f "$INST/etc/$1" ] || return 0
    sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$INST/etc/$1" | tail -n1
}
# Reads key=value from a properties file (our own bookkeeping).
prop() { [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | tail -n1 || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Karaf writes its pid to karaf.pid; cheaper than bin/status (which starts a JVM every time)
karaf_pid() { cat "$1/karaf.pid" 2>/dev/null || true; }
running_in() {
    local pid
    pid="$(karaf_pid "$1")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && ps -p "$pid" -o args= 2>/dev/null | grep -q 'org.apache.karaf.main.Main'
}
running() { running_in "$INST"; }

rel() { local p="$1"; p="${p#"$PWD"/}"; echo "$p"; }
# "" for the default instance (messages as before), "instance 'NAME' " for the others
who() { [ "$INSTANCE" = "$DEFAULT_INSTANCE" ] || printf "instance '%s' " "$INSTANCE"; }

distribution() {
    if [ -n "${ICESHARE_DISTRIBUTION:-}" ]; then
        [ -f "$ICESHARE_DISTRIBUTION" ] || die "ICESHARE_DISTRIBUTION=$ICESHARE_DISTRIBUTION is not a file"
        echo "$ICESHARE_DISTRIBUTION"
    else
        ls -t "$ROOT"/distribution/target/iceshare-distribution-*.tar.gz 2>/dev/null | head -n1 || true
    fi
}

build_if_needed() {
    [ -n "${ICESHARE_DISTRIBUTION:-}" ] && return 0
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

# The instances in RUN_DIR (folders with our bookkeeping, or an old-style full Karaf in run/iceshare).
instances() {
    local d
    for d in "$RUN_DIR"/*/; do
        d="${d%/}"
        [ "$d" = "$HOME_DIR" ] && continue
        if [ -d "$d/.iceshare" ] || [ -f "$d/karaf.pid" ]; then echo "$d"; fi
    done
}

# ------------------------------------------------------------------------------------ installation

# What tells one build from another: the tarball's path, time and size.
build_identity() {
    local mtime
    mtime="$(stat -c %Y "$1" 2>/dev/null || stat -f %m "$1")"
    echo "$1:$mtime:$(wc -c < "$1" | tr -d ' ')"
}

# Unpacks a new build as the installation (KARAF_HOME) unless an instance still runs on the old one.
install_if_needed() {
    local dist
    dist="$(distribution)"
    [ -n "$dist" ] || die "no distribution to install"
    local identity
    identity="$(build_identity "$dist")"
    if [ -f "$HOME_STAMP" ] && [ "$(prop "$HOME_STAMP" build)" = "$identity" ]; then
        return 0
    fi
    if [ -f "$HOME_STAMP" ]; then
        local busy="" d
        while IFS= read -r d; do
            if [ -d "$d/.iceshare" ] && running_in "$d"; then busy="$busy $(basename "$d")"; fi
        done < <(instances)
        if [ -n "$busy" ]; then
            say "a newer build ($(basename "$dist")) is not installed yet: instance(s)$busy still run on" \
                "the current installation. Stop them (./iceshare-start.sh stop --instance NAME) and start again to upgrade."
            return 0
        fi
    fi
    local fresh="$RUN_DIR/.installation.$$"
    rm -rf "$fresh"
    mkdir -p "$fresh"
    tar -xzf "$dist" -C "$fresh" --strip-components=1 || { rm -rf "$fresh"; die "cannot unpack $dist"; }
    # the installation is never started itself: its data/ would be unused
    rm -rf "$fresh/data" "$fresh/deploy"
    printf 'id=%s-%s\ntarball=%s\nbuild=%s\n' "$(date -u +%Y%m%dT%H%M%SZ)" "$$" "$dist" "$identity" \
        > "$fresh/.iceshare-installation"
    if [ -d "$HOME_DIR" ]; then
        mv "$HOME_DIR" "$RUN_DIR/.installation.old.$$"
        mv "$fresh" "$HOME_DIR"
        rm -rf "$RUN_DIR/.installation.old.$$"
        say "installed the new build $(basename "$dist") into $(rel "$HOME_DIR")"
    else
        mv "$fresh" "$HOME_DIR"
        say "installed $(basename "$dist") into $(rel "$HOME_DIR")"
    fi
}

# ------------------------------------------------------------------------------------ ports

# Moves every port in the .cfg files of an etc/ folder by $2: keys ending in "port" (whole numbers
# above 0; 0 means "a free port"), transportPorts (name=port,...) and tracker (host:port). The
# tracker's address in branding.properties (the console's welcome text) moves with it.
offset_etc() {
    local etc="$1" off="$2" tracker_before tracker_after f
    [ "$off" -eq 0 ] && return 0
    tracker_before="$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$etc/org.iceshare.tracker.cfg" 2>/dev/null | tail -n1)"
    for f in "$etc"/*.cfg; do
        grep -q -E '^[[:space:]]*([A-Za-z0-9_.-]*[Pp]ort(\.secure)?|transportPorts|tracker)[[:space:]]*=' "$f" || continue
        awk -v off="$off" -v file="$(basename "$f")" '
            function move(p) {
                if (p + off < 1 || p + off > 65535) {
                    printf "port %d in %s would become %d with offset %d: ports are 1..65535\n", p, file, p + off, off > "/dev/stderr"
                    bad = 1
                    return p
                }
                return p + off
            }
            /^[ \t]*[#!]/ || index($0, "=") == 0 { print; next }
            {
                eq = index($0, "=")
                key = substr($0, 1, eq - 1); gsub(/^[ \t]+|[ \t]+$/, "", key)
                head = substr($0, 1, eq); value = substr($0, eq + 1)
                lead = value; sub(/[^ \t].*$/, "", lead)
                val = substr(value, length(lead) + 1)
                trail = val; sub(/^.*[^ \t]/, "", trail)
                val = substr(val, 1, length(val) - length(trail))
                if (key ~ /[Pp]ort(\.secure)?$/ && val ~ /^[0-9]+$/ && val + 0 > 0) {
                    val = move(val + 0)
                } else if (key == "transportPorts" && val != "") {
                    n = split(val, parts, ",")
                    out = ""
                    for (i = 1; i <= n; i++) {
                        part = parts[i]
                        if (match(part, /=[ \t]*[0-9]+[ \t]*$/)) {
                            num = substr(part, RSTART + 1); gsub(/[ \t]/, "", num)
                            if (num + 0 > 0) part = substr(part, 1, RSTART) move(num + 0)
                        }
                        out = out (i > 1 ? "," : "") part
                    }
                    val = out
                } else if (key == "tracker" && match(val, /:[0-9]+$/)) {
                    val = substr(val, 1, RSTART) move(substr(val, RSTART + 1) + 0)
                }
                print head lead val trail
            }
            END { exit bad }' "$f" > "$f.moved" || { rm -f "$f.moved"; return 1; }
        mv "$f.moved" "$f"
    done
    tracker_after="$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$etc/org.iceshare.tracker.cfg" 2>/dev/null | tail -n1)"
    if [ -n "$tracker_before" ] && [ -f "$etc/branding.properties" ]; then
        sed -i.bak "s/127\.0\.0\.1:$tracker_before\//127.0.0.1:$tracker_after\//g" "$etc/branding.properties"
        rm -f "$etc/branding.properties.bak"
    fi
}

# "name port" lines: every port this instance opens (as configured in its etc/).
instance_ports() {
    local f name p tp
    echo "ssh $(cfg org.apache.karaf.shell.cfg sshPort)"
    echo "http $(cfg org.ops4j.pax.web.cfg org.osgi.service.http.port)"
    echo "jmx-registry $(cfg org.apache.karaf.management.cfg rmiRegistryPort)"
    echo "jmx-server $(cfg org.apache.karaf.management.cfg rmiServerPort)"
    echo "tracker $(cfg org.iceshare.tracker.cfg port)"
    for f in "$INST"/etc/org.iceshare.peer-*.cfg; do
        [ -f "$f" ] || continue
        f="$(basename "$f")"
        name="${f#org.iceshare.peer-}"; name="${name%.cfg}"
        p="$(cfg "$f" port)"; [ -n "$p" ] && [ "$p" != 0 ] && echo "peer-$name $p"
        p="$(cfg "$f" httpPort)"; [ -n "$p" ] && [ "$p" -gt 0 ] 2>/dev/null && echo "player-$name $p"
    done
    return 0
}

# ------------------------------------------------------------------------------------ instance

# The defaults of this instance: the installation's etc/ with the instance's port offset applied.
make_defaults() {
    local into="$1" off="$2"
    rm -rf "$into"
    mkdir -p "$into"
    cp -R "$HOME_DIR/etc/." "$into/"
    offset_etc "$into" "$off" || { rm -rf "$into"; die "port offset $off does not fit (see above); choose another one"; }
}

# Whether two etc/ files are the same for the operator. Karaf writes a generated
# karaf.shutdown.command into config.properties at the first start, and adds the missing newline at
# the end of some .cfg files when it saves them: neither is a change of the operator's.
same() {
    cmp -s "$1" "$2" && return 0
    case "$1" in
        */config.properties)
            cmp -s <(grep -v -E '^(#|[[:space:]]*|# Generated command shutdown|karaf\.shutdown\.command[[:space:]]*=.*)$' "$1") \
                   <(grep -v -E '^(#|[[:space:]]*|# Generated command shutdown|karaf\.shutdown\.command[[:space:]]*=.*)$' "$2") ;;
        *) cmp -s <(awk 1 "$1") <(awk 1 "$2") ;;
    esac
}

# Three-way update of the instance's etc/ from the old defaults ($1, may be missing) to the new ($2).
UPGRADE_DIR=""
upgrade_dir() {
    if [ -z "$UPGRADE_DIR" ]; then
        UPGRADE_DIR="$INST/upgrade/$(date +%Y%m%d-%H%M%S)"
        mkdir -p "$UPGRADE_DIR"
    fi
}
merge_etc() {
    local old="$1" new="$2" etc="$INST/etc" f up
    local added=() updated=() merged=() kept=() conflicts=() removed=() own=()
    while IFS= read -r f; do
        f="${f#./}"
        if [ ! -e "$etc/$f" ]; then
            mkdir -p "$(dirname "$etc/$f")"
            cp -p "$new/$f" "$etc/$f"
            added+=("$f")
        elif same "$etc/$f" "$new/$f"; then
            :
        elif [ -f "$old/$f" ] && same "$etc/$f" "$old/$f"; then
            cp -p "$new/$f" "$etc/$f"
            updated+=("$f")
        elif [ -f "$old/$f" ] && same "$old/$f" "$new/$f"; then
            kept+=("$f")
        elif [ -f "$old/$f" ] && command -v diff3 >/dev/null \
                && diff3 -m "$etc/$f" "$old/$f" "$new/$f" > "$etc/$f.merged" 2>/dev/null; then
            upgrade_dir
            up="$UPGRADE_DIR"
            mkdir -p "$(dirname "$up/$f")"
            cp -p "$etc/$f" "$up/$f.yours"
            cat "$etc/$f.merged" > "$etc/$f"
            rm -f "$etc/$f.merged"
            merged+=("$f")
        else
            rm -f "$etc/$f.merged"
            upgrade_dir
            up="$UPGRADE_DIR"
            mkdir -p "$(dirname "$up/$f")"
            cp -p "$new/$f" "$up/$f.new-default"
            conflicts+=("$f")
        fi
    done < <(cd "$new" && find . -type f | sort)
    if [ -d "$old" ]; then
        while IFS= read -r f; do
            f="${f#./}"
            [ -e "$new/$f" ] && continue
            if [ -f "$etc/$f" ] && same "$etc/$f" "$old/$f"; then
                rm -f "$etc/$f"
                removed+=("$f")
            fi
        done < <(cd "$old" && find . -type f | sort)
    fi
    while IFS= read -r f; do
        f="${f#./}"
        [ -e "$new/$f" ] || [ -e "$old/$f" ] || own+=("$f")
    done < <(cd "$etc" && find . -type f | sort)

    [ ${#added[@]} -eq 0 ] || say "  added new default files to etc/: ${added[*]}"
    [ ${#updated[@]} -eq 0 ] || say "  updated to the new defaults (you had not changed them): ${updated[*]}"
    [ ${#kept[@]} -eq 0 ] || say "  kept your changes: ${kept[*]}"
    [ ${#merged[@]} -eq 0 ] || say "  merged the new defaults into your changed files: ${merged[*]} (your versions: $(rel "$UPGRADE_DIR")/*.yours)"
    [ ${#conflicts[@]} -eq 0 ] || say "  KEPT YOUR VERSION of ${conflicts[*]}: the new defaults change the lines you changed; compare with $(rel "$UPGRADE_DIR")/*.new-default"
    [ ${#removed[@]} -eq 0 ] || say "  removed files that are no longer defaults (you had not changed them): ${removed[*]}"
    [ ${#own[@]} -eq 0 ] || say "  kept your own files: ${own[*]}"
    return 0
}

# Feature names in a featuresBoot list / in Karaf's features state (data/cache/*/data/state.json).
boot_features() {
    [ -f "$1" ] || return 0
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | sed -n 's/^[[:space:]]*featuresBoot[[:space:]]*=//p' \
        | tr ',()' '\n\n\n' | sed -e 's/[[:space:]]//g' -e 's|/.*||' | grep -v '^$' | sort -u || true
}
state_features() {
    local state
    state="$(grep -l '"bootDone"' "$INST"/data/cache/bundle*/data/state.json 2>/dev/null | head -n1 || true)"
    [ -n "$state" ] || return 0
    tr -d '\n' < "$state" | sed -n 's/.*"features"[[:space:]]*:[[:space:]]*{\([^}]*\)}.*/\1/p' \
        | grep -o 'feature:[^/"]*' | sed 's/^feature://' | sort -u || true
}

# Before the OSGi cache is cleared: which features were installed or uninstalled at run time.
remember_features() {
    local running_now booted
    running_now="$(state_features)"
    [ -n "$running_now" ] || return 0
    booted="$(boot_features "$INST/etc/org.apache.karaf.features.cfg")"
    comm -23 <(echo "$running_now") <(echo "$booted") | sed 's/^/install /' > "$META/features.todo"
    comm -13 <(echo "$running_now") <(echo "$booted") | sed 's/^/uninstall /' >> "$META/features.todo"
    [ -s "$META/features.todo" ] || rm -f "$META/features.todo"
}

# After the start: installs and uninstalls again what the operator had at run time.
reapply_features() {
    [ -f "$META/features.todo" ] || return 0
    local cmds=() action name
    while read -r action name; do
        [ -n "$name" ] && cmds+=("feature:$action $name")
    done < "$META/features.todo"
    if [ ${#cmds[@]} -gt 0 ]; then
        say "installing and uninstalling again the features you changed at run time: ${cmds[*]}"
        printf '%s\n' "${cmds[@]}" | "$INST/bin/client" -u karaf -p karaf -r 10 -b >/dev/null 2>&1 \
            || say "  could not (re)apply them all; check with: $(rel "$INST")/bin/client -u karaf -p karaf 'feature:list -i'"
    fi
    rm -f "$META/features.todo"
}

# bin/ of an instance: Karaf's scripts of the installation, run with KARAF_BASE = this instance.
write_wrappers() {
    mkdir -p "$INST/bin"
    local s
    for s in karaf start stop status client shell; do
        cat > "$INST/bin/$s" <<EOF
#!/bin/sh
# IceShare instance '$INSTANCE': runs the installation's bin/$s on this instance (KARAF_BASE).
# Written by iceshare-start.sh at each start; the installation is ../../installation.
KARAF_BASE="\$(cd "\$(dirname "\$0")/.." && pwd)" || exit 2
export KARAF_BASE
unset KARAF_HOME KARAF_ETC KARAF_DATA KARAF_LOG
# Each instance keeps its own list of Karaf instances, so that the instances of one installation
# do not take each other for a "root instance already running".
CHECK_ROOT_INSTANCE_RUNNING=false
export CHECK_ROOT_INSTANCE_RUNNING
case "\$KARAF_BASE" in
    *[[:space:]]*) ;;
    *) KARAF_OPTS="-Dkaraf.instances=\$KARAF_BASE/instances \${KARAF_OPTS:-}"; export KARAF_OPTS ;;
esac
exec "\$KARAF_BASE/../installation/bin/$s" "\$@"
EOF
        chmod +x "$INST/bin/$s"
    done
}

# run/iceshare of older versions of this script is a whole Karaf (installation and instance in one):
# keep its etc/, deploy/ and data/ and drop the rest.
migrate_old_layout() {
    [ -d "$INST/lib" ] && [ ! -d "$META" ] || return 0
    say "converting $(rel "$INST") (a whole Karaf, from an older iceshare-start.sh) into an instance: keeping its etc/, deploy/ and data/"
    mkdir -p "$META"
    remember_features
    rm -rf "$INST/bin" "$INST/lib" "$INST/system" "$INST/instances" "$INST/lock" "$INST/.unpacked"
    mkdir -p "$META"
    # There is no record of the defaults it was unpacked with: take the installed build's (with its
    # ports, offset 0). A file that differs from them counts as changed by the operator and is kept.
    make_defaults "$META/etc.defaults" 0 || die "cannot read the installation's etc/"
    printf 'installation=%s\nportOffset=0\n' "migrated" > "$META/instance.properties"
}

prepare_instance() {
    migrate_old_layout
    local home_id inst_id old_offset off
    home_id="$(prop "$HOME_STAMP" id)"
    inst_id="$(prop "$META/instance.properties" installation)"
    old_offset="$(prop "$META/instance.properties" portOffset)"
    off="${OFFSET:-${old_offset:-0}}"

    if [ ! -d "$INST/etc" ]; then
        local fresh="$RUN_DIR/.defaults.$$"
        make_defaults "$fresh" "$off"
        say "creating instance '$INSTANCE' in $(rel "$INST") (port offset $off)"
        mkdir -p "$META" "$INST/deploy" "$INST/data/log" "$INST/etc"
        cp -Rp "$fresh/." "$INST/etc/"
        mv "$fresh" "$META/etc.defaults"
    elif [ "$inst_id" != "$home_id" ] || [ "$off" != "${old_offset:-0}" ]; then
        if [ "$inst_id" != "$home_id" ]; then
            say "upgrading instance '$INSTANCE' to the installed build ($(basename "$(prop "$HOME_STAMP" tarball)"))"
        fi
        if [ "$off" != "${old_offset:-0}" ]; then
            say "moving the ports of instance '$INSTANCE' from offset ${old_offset:-0} to $off" \
                "(files you added, such as more peers, keep their ports)"
        fi
        mkdir -p "$META"
        # before the merge: which features the operator installed or uninstalled, against the
        # featuresBoot the instance was booted with
        if [ "$inst_id" != "$home_id" ] && [ ! -f "$META/features.todo" ]; then
            remember_features
        fi
        make_defaults "$META/etc.defaults.new" "$off"
        merge_etc "$META/etc.defaults" "$META/etc.defaults.new"
        rm -rf "$META/etc.defaults"
        mv "$META/etc.defaults.new" "$META/etc.defaults"
        if [ "$inst_id" != "$home_id" ]; then
            # the OSGi cache holds the old build's bundles: clear it so that the new ones are installed
            rm -rf "$INST/data/cache" "$INST/data/tmp" "$INST/data/generated-bundles"
            say "  cleared data/cache (the new build's bundles are installed at start); kept deploy/ and the rest of data/"
        fi
    fi
    mkdir -p "$INST/deploy" "$INST/data/log"
    printf 'installation=%s\nportOffset=%s\n' "$home_id" "$off" > "$META/instance.properties"
    write_wrappers
}

# ------------------------------------------------------------------------------------ commands

offset_of() { local o; o="$(prop "$META/instance.properties" portOffset)"; echo "${o:-0}"; }

print_help() {
    local ssh http tracker peer peer_http tls reg srv push ptls
    ssh="$(cfg org.apache.karaf.shell.cfg sshPort)"
    http="$(cfg org.ops4j.pax.web.cfg org.osgi.service.http.port)"
    reg="$(cfg org.apache.karaf.management.cfg rmiRegistryPort)"
    srv="$(cfg org.apache.karaf.management.cfg rmiServerPort)"
    tracker="$(cfg org.iceshare.tracker.cfg port)"
    tls="$(cfg org.iceshare.tracker.cfg transportPorts)"
    peer="$(cfg org.iceshare.peer-default.cfg port)"
    ptls="$(cfg org.iceshare.peer-default.cfg transportPorts)"
    peer_http="$(cfg org.iceshare.peer-default.cfg httpPort)"
    push="$(cfg org.iceshare.source.cfg pushPort)"
    local r i flag=""
    r="$(rel "$INST")"
    [ "$INSTANCE" = "$DEFAULT_INSTANCE" ] || flag=" --instance $INSTANCE"
    cat <<EOF

IceShare instance '$INSTANCE' is running (Karaf pid $(karaf_pid "$INST"), instance $r, port offset $(offset_of)).

  Console:      $r/bin/client -u karaf -p karaf            (one command: add it in quotes)
                (or: ssh -p $ssh karaf@127.0.0.1, password karaf)
  Web Console:  http://127.0.0.1:$http/system/console   (user karaf, password karaf)
  Tracker:      127.0.0.1:$tracker      peer "default": 127.0.0.1:$peer, player HTTP on 127.0.0.1:$peer_http

  Ports:        ssh $ssh, web console $http, JMX RMI registry $reg and server $srv,
                tracker $tracker (${tls:-tls: a free port}), peer "default" $peer (${ptls:-tls: a free port}) and player $peer_http,
                live push $push (once iceshare-source is installed)

  In the console:
    feature:list -i | grep iceshare
    iceshare:publish /path/to/file.ogg
    iceshare:get icet://127.0.0.1:$tracker/file.ogg
    iceshare:status

  Your files:   $r/etc (configuration), $r/deploy (bundles), $r/data (pieces, logs): kept across builds
  Logs:         $r/data/log/karaf.log
  Stop:         ./iceshare-start.sh stop$flag     (or $r/bin/stop)
EOF
}

start() {
    pick_java
    if running; then
        say "$(who)already running"
        local old
        old="$(prop "$META/instance.properties" portOffset)"
        if [ -n "$OFFSET" ] && [ "$OFFSET" != "${old:-0}" ]; then
            say "it runs with port offset ${old:-0}: stop it first to move it to $OFFSET"
        fi
        print_help
        return 0
    fi
    mkdir -p "$RUN_DIR"
    # one start at a time per run folder (installing and upgrading); Karaf must not inherit the lock
    exec 9>"$RUN_DIR/.lock"
    if command -v flock >/dev/null; then
        flock -w 900 9 || die "another iceshare-start.sh has been installing for 15 minutes ($RUN_DIR/.lock)"
    fi
    build_if_needed
    install_if_needed
    prepare_instance

    local name port busy=""
    while read -r name port; do
        [ -n "$port" ] || continue
        port_open "$port" && busy="$busy $name:$port"
    done < <(instance_ports)
    if [ -n "$busy" ]; then
        die "port(s) already in use by another program:$busy. Stop it, or start this instance with another" \
            "--port-offset (e.g. ./iceshare-start.sh --instance $INSTANCE --port-offset 100), or change the port in $(rel "$INST")/etc"
    fi

    local ssh tracker
    ssh="$(cfg org.apache.karaf.shell.cfg sshPort)"
    tracker="$(cfg org.iceshare.tracker.cfg port)"
    mkdir -p "$INST/data/log"
    local console_log="$INST/data/log/console.log"
    local t0=$SECONDS
    say "starting Karaf for instance '$INSTANCE' (JAVA_HOME=$JAVA_HOME)"
    # setsid: Karaf gets its own session, so it outlives this shell and its job control
    if command -v setsid >/dev/null; then
        KARAF_REDIRECT="$console_log" setsid "$INST/bin/start" </dev/null >/dev/null 2>&1 9>&-
    else
        KARAF_REDIRECT="$console_log" "$INST/bin/start" </dev/null >/dev/null 2>&1 9>&-
    fi
    # keep the lock until Karaf has written its pid, so that a concurrent start sees this instance
    # running and does not replace the installation under it
    while [ $((SECONDS - t0)) -lt 30 ] && ! running; do sleep 0.2; done
    exec 9>&-

    say "waiting up to ${TIMEOUT}s for ssh (port $ssh) and the tracker (port $tracker)"
    local waiting=""
    while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
        waiting=""
        port_open "$ssh" || waiting="$waiting ssh:$ssh"
        port_open "$tracker" || waiting="$waiting tracker:$tracker"
        [ -z "$waiting" ] && break
        if [ $((SECONDS - t0)) -gt 5 ] && ! running; then
            die "Karaf stopped during startup; see $INST/data/log/karaf.log and $console_log"
        fi
        sleep 0.5
    done
    if [ -n "$waiting" ]; then
        die "Karaf is running but after ${TIMEOUT}s nothing answers on${waiting}. See $INST/data/log/karaf.log" \
            "(and $console_log); check 'feature:list -i' and 'scr:list' in $INST/bin/client -u karaf -p karaf." \
            "Stop it with ./iceshare-start.sh stop --instance $INSTANCE"
    fi
    say "up in $((SECONDS - t0))s"
    reapply_features
    print_help
}

stop() {
    pick_java
    if ! running; then
        say "$(who)not running"
        return 0
    fi
    local pid
    pid="$(karaf_pid "$INST")"
    say "stopping instance '$INSTANCE' (Karaf pid $pid)"
    "$INST/bin/stop" >/dev/null 2>&1 || true
    local t0=$SECONDS
    while running && [ $((SECONDS - t0)) -lt 30 ]; do sleep 0.5; done
    if running && [ -n "$pid" ]; then
        say "still running after 30s; sending SIGTERM to $pid"
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do sleep 0.5; done
    fi
    running && die "could not stop Karaf (pid $pid)"
    say "stopped"
}

parse_args "$@"
case "$COMMAND" in
    start) start ;;
    stop) stop ;;
    status)
        if running; then
            say "$(who)running (pid $(karaf_pid "$INST"))"
        else
            say "$(who)not running"
            exit 1
        fi
        ;;
    help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
esac

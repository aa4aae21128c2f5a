#!/bin/sh
# Makes the Ogg test corpus of org.iceshare.media.ogg with the real encoders, into a directory given
# as the first argument (default: target/corpus of this module). The JUnit extension OggCorpus runs
# it once per build into target/corpus; nothing it makes is committed.
#
# Deterministic where the tools allow: the sources are lavfi generators (a sine plus pink noise with
# a fixed seed), every encoder gets a fixed serial number, ffmpeg runs with -bitexact. speexenc has
# no serial option, so its output is remuxed by ffmpeg (-c copy) with a fixed serial. The script
# prints the sha256 of every file at the end; with the same tool versions they repeat.
#
# Tools (Debian 12, installed by .ci/install-tools.sh): ffmpeg 5.1, oggenc (vorbis-tools 1.4.2),
# opusenc (opus-tools 0.2), flac 1.4.2, speexenc 1.2.1, oggz-tools 1.1.1.
#
# Files (the traps they avoid are noted per file):
#   vorbis.ogg              oggenc -q 2, 5 s stereo 44.1 kHz, serial 1001
#   vorbis-22k-mono.ogg     oggenc -q 0, 3 s mono 22.05 kHz, serial 1002 (second link of a chain)
#   opus.opus               opusenc 48 kbit/s, 4 s stereo, serial 1003
#   flac.oga                flac --ogg, 3 s mono 16 kHz, serial 1004
#   speex.spx               speexenc wideband, 3 s mono 16 kHz, remuxed to serial 1005
#   theora-vorbis.ogv       ffmpeg libtheora 160x120 15 fps keyframe every 12 frames + libvorbis mono
#                           22.05 kHz, 4 s, serials 1006/1007: several keyframes, multiplexed
#   theora.ogv              ffmpeg libtheora alone, 3 s, 320x240 15 fps, keyframe every 10 frames, serial 1008
#   chain-vorbis-params.ogg cat vorbis.ogg vorbis-22k-mono.ogg: sample rate and channels change
#   chain-vorbis-opus.ogg   cat vorbis-22k-mono.ogg opus.opus: the codec changes
#   chain-three.ogg         cat speex.spx flac.oga vorbis-22k-mono.ogg: three links, three codecs
#   mux-theora-vorbis.ogv   ffmpeg -i theora.ogv -i vorbis.ogg -map 0 -map 1 -c copy -f ogg
#   mux-vorbis-opus.ogg     ffmpeg -i vorbis-22k-mono.ogg -i opus.opus -map 0 -map 1 -c copy -f ogg
#   skeleton-chop.ogv       oggz-chop -s 1.2 of theora-vorbis.ogv: a Skeleton stream, and streams that
#                           start with granule positions far from 0 (time must start at 0 anyway)
#   bad-oggz-merge.ogg      oggz-merge vorbis.ogg vorbis-22k-mono.ogg: NEGATIVE case. oggz-merge 1.1.1
#                           puts the second BOS page after the first stream's header page, which
#                           RFC 3533 forbids; oggz-validate accepts it, ogginfo reports "illegally
#                           placed page(s)", ffmpeg fails ("Channel change is not supported") and
#                           IceShare refuses it (BOS_MISPLACED).
#   bad-header-order.ogg    oggz-merge vorbis-22k-mono.ogg opus.opus: NEGATIVE case. Its BOS pages are
#                           grouped, but Opus audio comes before the Vorbis comment and setup headers;
#                           IceShare refuses it (HEADER_AFTER_DATA), because a late joiner given the
#                           header pieces would miss headers. (oggz-validate accepts it; ffmpeg copes.)
#
# Not deterministic: skeleton-chop.ogv, whose Skeleton serial number oggz-chop picks at random (it has no
# option for it). The tests read serial numbers from the file, never from this list.
#
# Every positive file is checked with oggz-validate and ffprobe; the script fails when one is refused.
#
# Usage: sh src/test/media/make-corpus.sh [DIR]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(cd "$here/../.." && pwd)/target/corpus}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for tool in ffmpeg ffprobe oggenc opusenc flac speexenc oggz-validate oggz-info oggz-merge oggz-chop; do
    command -v "$tool" >/dev/null 2>&1 || { echo "make-corpus: $tool is missing; run .ci/install-tools.sh" >&2; exit 3; }
done

ff() {
    ffmpeg -hide_banner -loglevel error -nostdin -y "$@"
}

# Sources: a 440 Hz sine mixed with seeded pink noise, so the encoders have something to code.
mix() { # duration rate layout output
    ff -f lavfi -i "sine=frequency=440:sample_rate=$2:duration=$1" \
       -f lavfi -i "anoisesrc=color=pink:seed=42:amplitude=0.3:sample_rate=$2:duration=$1" \
       -filter_complex "[0][1]amix=inputs=2,aformat=sample_fmts=s16:channel_layouts=$3" \
       -bitexact "$4"
}
mix 5 44100 stereo "$tmp/stereo44k.wav"
mix 4 48000 stereo "$tmp/stereo48k.wav"
mix 3 22050 mono "$tmp/mono22k.wav"
mix 3 16000 mono "$tmp/mono16k.wav"

cd "$out"
oggenc -Q --serial 1001 -q 2 -o vorbis.ogg "$tmp/stereo44k.wav"
oggenc -Q --serial 1002 -q 0 -o vorbis-22k-mono.ogg "$tmp/mono22k.wav"
opusenc --quiet --serial 1003 --bitrate 48 "$tmp/stereo48k.wav" opus.opus
flac -s -f --ogg --serial-number=1004 -o flac.oga "$tmp/mono16k.wav"
speexenc -w --quality 4 "$tmp/mono16k.wav" "$tmp/speex-random-serial.spx" 2>/dev/null
ff -i "$tmp/speex-random-serial.spx" -map 0 -c copy -fflags +bitexact -serial_offset 1005 -f ogg speex.spx

ff -f lavfi -i "testsrc2=size=160x120:rate=15:duration=4" \
   -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=4" \
   -map 0 -map 1 -c:v libtheora -q:v 3 -g 12 -c:a libvorbis -q:a 0 -ac 1 \
   -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -serial_offset 1006 \
   -f ogg theora-vorbis.ogv
ff -f lavfi -i "testsrc2=size=320x240:rate=15:duration=3" \
   -c:v libtheora -q:v 5 -g 10 -fflags +bitexact -flags:v +bitexact -serial_offset 1008 -f ogg theora.ogv

cat vorbis.ogg vorbis-22k-mono.ogg > chain-vorbis-params.ogg
cat vorbis-22k-mono.ogg opus.opus > chain-vorbis-opus.ogg
cat speex.spx flac.oga vorbis-22k-mono.ogg > chain-three.ogg

ff -i theora.ogv -i vorbis.ogg -map 0 -map 1 -c copy -fflags +bitexact -serial_offset 1010 -f ogg mux-theora-vorbis.ogv
ff -i vorbis-22k-mono.ogg -i opus.opus -map 0 -map 1 -c copy -fflags +bitexact -serial_offset 1012 -f ogg mux-vorbis-opus.ogg

oggz-chop -s 1.2 -o skeleton-chop.ogv theora-vorbis.ogv

oggz-merge -o bad-oggz-merge.ogg vorbis.ogg vorbis-22k-mono.ogg 2>/dev/null
oggz-merge -o bad-header-order.ogg vorbis-22k-mono.ogg opus.opus

positive="vorbis.ogg vorbis-22k-mono.ogg opus.opus flac.oga speex.spx theora-vorbis.ogv theora.ogv
    chain-vorbis-params.ogg chain-vorbis-opus.ogg chain-three.ogg mux-theora-vorbis.ogv mux-vorbis-opus.ogg
    skeleton-chop.ogv"
for f in $positive; do
    oggz-validate "$f" || { echo "make-corpus: oggz-validate refuses $f" >&2; exit 1; }
    ffprobe -v fatal -show_entries format=duration -of csv=p=0 "$f" >/dev/null \
        || { echo "make-corpus: ffprobe refuses $f" >&2; exit 1; }
    printf '%-24s %7d bytes\n' "$f" "$(wc -c < "$f")"
done
sha256sum $positive bad-oggz-merge.ogg bad-header-order.ogg

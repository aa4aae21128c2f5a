#!/bin/sh
# Makes the Ogg test fixtures of org.iceshare.media.ogg with the real encoders, into
# src/test/resources/media/. The outputs are committed; this script records how they were made.
#
# Deterministic: the sources are lavfi generators (a sine plus pink noise with a fixed seed), every
# encoder gets a fixed serial number, and ffmpeg runs with -bitexact. Re-running it with the same
# tool versions gives byte-identical files (compare the sha256 sums it prints at the end).
#
# Made with (Debian 12): ffmpeg 5.1.9, oggenc (vorbis-tools 1.4.2), opusenc (opus-tools 0.2, libopus
# 1.3.1), flac 1.4.2, speexenc 1.2.1, oggz-validate/oggz-info (oggz-tools 1.1.1).
#
#   vorbis.ogg             oggenc -q 2, 5 s stereo 44.1 kHz, serial 1234
#   opus.opus              opusenc 48 kbit/s, 5 s stereo, serial 5678
#   flac.oga               flac --ogg, 2 s mono 16 kHz, serial 4242 (its header run ends with an 8 KiB PADDING block)
#   speex.spx              speexenc wideband, 2 s mono 16 kHz; remuxed by ffmpeg (-c copy) because speexenc
#                          has no serial option and picks a random one: the serial becomes 9000
#   theora-vorbis.ogv      ffmpeg libtheora 320x240 15 fps + libvorbis mono 22.05 kHz, 2 s, serials 7000/7001;
#                          two of its Theora pages are larger than 16 KiB
#   vorbis-bigcomment.ogg  oggenc -q 0, 1 s mono, serial 4321, with a 70,000-byte comment: the comment
#                          header spans pages, so the header run holds a full-size (65,307-byte) page with
#                          granule position -1
#   not-ogg.wav            0.1 s of PCM: a file that is not Ogg
#
# Usage: sh src/test/media/make-fixtures.sh   (from anywhere)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)/resources/media
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$out"

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
mix 2 16000 mono "$tmp/mono16k.wav"
ff -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" -ac 1 -bitexact "$tmp/sine22k.wav"

oggenc -Q --serial 1234 -q 2 -o "$out/vorbis.ogg" "$tmp/stereo44k.wav"

opusenc --quiet --serial 5678 --bitrate 48 "$tmp/stereo44k.wav" "$out/opus.opus"

flac -s -f --ogg --serial-number=4242 -o "$out/flac.oga" "$tmp/mono16k.wav"

speexenc -w --quality 4 "$tmp/mono16k.wav" "$tmp/speex-random-serial.spx" 2>/dev/null
ff -i "$tmp/speex-random-serial.spx" -map 0 -c copy -fflags +bitexact -serial_offset 9000 -f ogg "$out/speex.spx"

ff -f lavfi -i "testsrc2=size=320x240:rate=15:duration=2" \
   -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=2" \
   -map 0 -map 1 -c:v libtheora -q:v 5 -g 15 -c:a libvorbis -q:a 0 -ac 1 \
   -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -serial_offset 7000 \
   -f ogg "$out/theora-vorbis.ogv"

comment=$(head -c 70000 /dev/zero | tr '\0' 'x')
oggenc -Q --serial 4321 -q 0 -c "COMMENT=$comment" -o "$out/vorbis-bigcomment.ogg" "$tmp/sine22k.wav"

ff -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=0.1" -ac 1 -bitexact "$out/not-ogg.wav"

cd "$out"
for f in vorbis.ogg opus.opus flac.oga speex.spx theora-vorbis.ogv vorbis-bigcomment.ogg; do
    oggz-validate "$f"
    # oggz-info 1.1.1 does not know Opus ("Unknown", wrong packet counts) but counts its pages right.
    printf '%-22s %7d bytes  pages per stream: %s\n' "$f" "$(wc -c < "$f")" \
        "$(oggz-info "$f" | sed -n 's/.* in \([0-9]*\) pages.*/\1/p' | tr '\n' ' ')"
done
sha256sum vorbis.ogg opus.opus flac.oga speex.spx theora-vorbis.ogv vorbis-bigcomment.ogg not-ogg.wav

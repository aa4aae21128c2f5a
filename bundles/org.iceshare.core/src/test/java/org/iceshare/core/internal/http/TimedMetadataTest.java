package org.iceshare.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.support.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata answer of a live window: items in time order, the live edge here, the item in effect there. */
class TimedMetadataTest {
    @TempDir
    Path tmp;

    @Test
    void chainTitlesAndUpdatesInTimeOrderWithTheOneInEffectAtTheLiveEdge() throws Exception {
        byte[] file = Files.readAllBytes(Encoders.opusTagged(tmp, 1, "Song \"A\"", "Band", 10));
        ByteBuffer headers = ByteBuffer.wrap(Arrays.copyOf(file, headerBytes(file)));
        LiveWindow w = new LiveWindow(Manifest.live(ContentId.random(), "radio", "audio/ogg", "ogg", "sha-256",
                60_000_000L));
        // link 0 from 0 s, link 1 from 10 s (both with the same tagged headers); pieces of 1 s each
        w.link(new ChainLink(0, 0, 0, 0, -1, "opus"), headers);
        w.link(new ChainLink(1, 10, 0, 10_000_000L, -1, "opus"), headers);
        for (int i = 0; i < 12; i++) {
            w.announce(new PieceInfo(i, i * 10L, 10, new byte[32], i * 1_000_000L, (i + 1) * 1_000_000L, true,
                    i < 10 ? 0 : 1), 0);
        }
        for (int i = 0; i < 11; i++) {
            w.write(i, ByteBuffer.allocate(10));
        }
        w.titleChange(new LiveWindow.TitleChange(10_500_000L, "News", ""));
        w.titleChange(new LiveWindow.TitleChange(11_500_000L, "Later", ""));

        assertThat(TimedMetadata.liveEdge(w)).as("the end of the newest piece verified here (10)")
                .isEqualTo(11_000_000L);
        assertThat(TimedMetadata.items(w)).extracting(TimedMetadata.Item::micros, TimedMetadata.Item::source,
                TimedMetadata.Item::title).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, "chain", "Song \"A\""),
                        org.assertj.core.groups.Tuple.tuple(10_000_000L, "chain", "Song \"A\""),
                        org.assertj.core.groups.Tuple.tuple(10_500_000L, "icecast", "News"),
                        org.assertj.core.groups.Tuple.tuple(11_500_000L, "icecast", "Later"));
        String json = TimedMetadata.json(w);
        assertThat(json).contains("\"liveEdge\":11.000000")
                .contains("\"current\":{\"time\":10.500000,\"source\":\"icecast\",\"title\":\"News\",\"artist\":\"\"}")
                .contains("{\"time\":0.000000,\"source\":\"chain\",\"title\":\"Song \\\"A\\\"\",\"artist\":\"Band\"}");
    }

    @Test
    void recentItemsAreTheLastWindowOfTheStreamAndTheOneInEffectAtItsStart() {
        LiveWindow w = new LiveWindow(Manifest.live(ContentId.random(), "radio", "audio/ogg", "ogg", "sha-256",
                5_000_000L));
        w.link(new ChainLink(0, 0, 0, 0, -1, "opus"), ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'}));
        w.announce(new PieceInfo(11, 110L, 10, new byte[32], 11_000_000L, 12_000_000L, true, 0), 0);
        for (long t : new long[] {1_000_000L, 3_000_000L, 8_000_000L}) {
            w.titleChange(new LiveWindow.TitleChange(t, "at " + t, ""));
        }
        // the window: 5 s behind the newest piece's end (12 s), so from 7 s on, and the one in effect at 7 s
        assertThat(TimedMetadata.items(w)).extracting(TimedMetadata.Item::micros).containsExactly(3_000_000L,
                8_000_000L);
        assertThat(TimedMetadata.liveEdge(w)).as("nothing verified here yet").isEqualTo(-1);
    }

    @Test
    void anEmptyWindowHasNoEdgeAndNoCurrentItem() {
        LiveWindow w = new LiveWindow(Manifest.live(ContentId.random(), "radio", "audio/ogg", "ogg", "sha-256",
                60_000_000L));
        assertThat(TimedMetadata.json(w)).contains("\"liveEdge\":null,\"current\":null,\"items\":[]");
    }

    /** The bytes of the pages before the first with a positive granule position: the header pages. */
    private static int headerBytes(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at + 27 <= file.length && b.getLong(at + 6) <= 0) {
            int segments = file[at + 26] & 0xff;
            int length = 27 + segments;
            for (int i = 0; i < segments; i++) {
                length += file[at + 27 + i] & 0xff;
            }
            at += length;
        }
        return at;
    }
}

package org.iceshare.core.internal.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.LiveWindow;

/**
 * A live stream's title changes timed against its audio, for the player endpoint's
 * {@code <player path>/metadata}: the titles in the comment headers of its chain links (read here from the
 * header pages the peer received; source {@code chain}) and the out-of-band updates the source sent through
 * the tracker (Icecast's {@code /admin/metadata}; source {@code icecast}). Each carries its media time in
 * seconds on the stream's timeline, the clock of the pieces' times: a chain link's title takes effect at the
 * link's first sample.
 *
 * <p>The answer names the recent items (those of the last window of the stream, the manifest's window
 * behind the newest piece announced, and the one in effect at its start; a chain link's only when this
 * peer has its headers), the live edge here (the end of the newest piece this peer has verified) and the
 * item in effect there ({@code current}).
 *
 * <p><b>Threading:</b> stateless; reads the window, which is safe from any thread.
 */
final class TimedMetadata {
    /** One title change. */
    record Item(long micros, String source, String title, String artist) {
    }

    private TimedMetadata() {
    }

    /** The items of the window, in time order (a chain link before an update at the same time). */
    static List<Item> items(LiveWindow window) {
        long start = horizon(window);
        List<Item> all = new ArrayList<>();
        List<LiveWindow.Link> links = window.links();
        // newest first, down to the link in effect at the horizon: older links' headers are not read
        for (int k = links.size() - 1; k >= 0; k--) {
            LiveWindow.Link l = links.get(k);
            if (l.headers().hasRemaining() && l.link().startMicros() >= 0) {
                OggComments.Tags t = OggComments.of(l.headers());
                all.add(new Item(l.link().startMicros(), "chain", t.title(), t.artist()));
                if (l.link().startMicros() <= start) {
                    break;
                }
            }
        }
        for (LiveWindow.TitleChange t : window.titleChanges()) {
            all.add(new Item(t.micros(), "icecast", t.title(), t.artist()));
        }
        all.sort(Comparator.comparingLong(Item::micros).thenComparing(i -> i.source().equals("chain") ? 0 : 1));
        // from the one in effect at the horizon on
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).micros() <= start) {
                from = i;
            }
        }
        return List.copyOf(all.subList(from, all.size()));
    }

    /**
     * Where recent items begin: one window (the manifest's) behind the newest piece announced, wherever this
     * peer started, so a late joiner lists the updates of that window too; -1 before any piece.
     */
    private static long horizon(LiveWindow window) {
        for (int p = window.end() - 1; p >= window.firstPiece(); p--) {
            PieceInfo i = window.info(p);
            if (i != null && i.endMicros() >= 0) {
                return Math.max(0, i.endMicros() - window.manifest().windowMicros());
            }
        }
        return -1;
    }

    /** The end time of the newest piece verified here, or -1. */
    static long liveEdge(LiveWindow window) {
        for (int p = window.end() - 1; p >= window.firstPiece(); p--) {
            PieceInfo i = window.info(p);
            if (i != null && window.has(p) && i.endMicros() >= 0) {
                return i.endMicros();
            }
        }
        return -1;
    }

    /** The JSON answer. */
    static String json(LiveWindow window) {
        List<Item> items = items(window);
        long edge = liveEdge(window);
        Item current = null;
        for (Item i : items) {
            if (edge >= 0 && i.micros() <= edge) {
                current = i;
            }
        }
        StringBuilder sb = new StringBuilder(128 + 96 * items.size());
        sb.append("{\"content\":").append(StatsJson.str(window.manifest().id().toHex()))
                .append(",\"name\":").append(StatsJson.str(window.manifest().name()))
                .append(",\"liveEdge\":").append(edge < 0 ? "null" : seconds(edge))
                .append(",\"current\":").append(current == null ? "null" : item(current))
                .append(",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(item(items.get(i)));
        }
        return sb.append("]}").toString();
    }

    private static String item(Item i) {
        return "{\"time\":" + seconds(i.micros()) + ",\"source\":" + StatsJson.str(i.source()) + ",\"title\":"
                + StatsJson.str(i.title()) + ",\"artist\":" + StatsJson.str(i.artist()) + "}";
    }

    /** Microseconds as seconds with six decimals (exact, no floating point). */
    private static String seconds(long micros) {
        return micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000);
    }
}

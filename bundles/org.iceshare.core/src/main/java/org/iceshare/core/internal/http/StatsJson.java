package org.iceshare.core.internal.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.iceshare.api.peer.SwarmStatus;

/**
 * The peer's statistics as JSON, for {@code GET /stats.json} on the player endpoint: every swarm with
 * its progress, bytes moved and, for live or played contents, the playback figures (continuity index,
 * startup, end-to-end latency). Written by hand: the shape is small and fixed.
 */
final class StatsJson {
    private StatsJson() {
    }

    static String of(String peer, String peerId, List<SwarmStatus> swarms) {
        StringBuilder sb = new StringBuilder(256 + swarms.size() * 512);
        sb.append("{\"peer\":").append(str(peer)).append(",\"id\":").append(str(peerId)).append(",\"swarms\":[");
        for (int i = 0; i < swarms.size(); i++) {
            SwarmStatus s = swarms.get(i);
            SwarmStatus.Quality q = s.quality();
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"content\":").append(str(s.content().toHex()))
                    .append(",\"url\":").append(str(s.url().toString()))
                    .append(",\"player\":").append(str(String.valueOf(s.playerUrl())))
                    .append(",\"live\":").append(s.live())
                    .append(",\"source\":").append(s.source())
                    .append(",\"state\":").append(str(s.state().name()))
                    .append(",\"verified\":").append(s.verified())
                    .append(",\"pieces\":").append(s.pieces())
                    .append(",\"length\":").append(s.length())
                    .append(",\"connections\":").append(s.connections())
                    .append(",\"uploaded\":").append(s.uploaded())
                    .append(",\"downloaded\":").append(s.downloaded())
                    .append(",\"scheduler\":").append(str(s.scheduler()))
                    .append(",\"requestsByScheduler\":{");
            int k = 0;
            for (Map.Entry<String, Long> e : s.requestsByScheduler().entrySet()) {
                sb.append(k++ > 0 ? "," : "").append(str(e.getKey())).append(':').append(e.getValue());
            }
            sb.append("},\"quality\":{\"continuity\":").append(String.format(Locale.ROOT, "%.5f", q.continuity()))
                    .append(",\"piecesDue\":").append(q.piecesDue())
                    .append(",\"piecesLate\":").append(q.piecesLate())
                    .append(",\"startupMillis\":").append(q.startupMillis())
                    .append(",\"latencyP50Millis\":").append(q.latencyP50Millis())
                    .append(",\"latencyP95Millis\":").append(q.latencyP95Millis())
                    .append(",\"bufferNeededMillis\":").append(q.bufferNeededMillis())
                    .append(",\"skips\":").append(q.skips())
                    .append(",\"onAir\":").append(q.onAir())
                    .append("},\"error\":").append(str(s.error())).append('}');
        }
        return sb.append("]}").toString();
    }

    /** A JSON string literal. */
    static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

package org.iceshare.tracker.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.transport.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tracker refuses to protect itself and its swarms: each client's allowances (joins and
 * publications, reports and seeks), the refusals counted by reason, and INFO logs of them at most once a
 * minute per client, so that a hostile client can fill neither the tracker's time nor its log.
 *
 * <p><b>Threading:</b> {@link #admits} and {@link #limited} on the tracker's executor; counting and
 * {@link #flooded} from any thread.
 */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    /** Where a refusal of a known client's message is told (the tracker's sanction listeners). */
    private final java.util.function.Consumer<Sanction> sanctions;

    Guard(java.util.function.Consumer<Sanction> sanctions) {
        this.sanctions = sanctions;
    }

    /**
     * True when the client may have {@code m} handled now. A PUBLISH or JOIN beyond its allowance is
     * answered BUSY (every one gets exactly one answer, in order); a report, seek or title change beyond it is dropped.
     */
    boolean admits(ClientSession s, IcetMessage m, long now) {
        if ((m instanceof Publish || m instanceof Join) && !s.joins.take(now)) {
            limited(s, "join-rate", now, "joins and publications beyond its allowance");
            s.send(ErrorReport.of(ErrorCode.BUSY, "too many joins and publications: at most "
                    + (int) ClientSession.JOINS_PER_SECOND + " a second"));
            return false;
        }
        if ((m instanceof BadPiece || m instanceof FetchFailed || m instanceof Seek || m instanceof Metadata)
                && !s.reports.take(now)) {
            limited(s, "report-rate", now, "reports, seeks and title changes beyond its allowance");
            return false;
        }
        return true;
    }

    /** A client's message was refused for {@code reason}: counted, and logged at INFO at most once a minute per client. */
    void limited(ClientSession s, String reason, long now, String what) {
        refused(reason);
        sanctions.accept(new Sanction(Sanction.Kind.REFUSED, s.id, null, reason + ": " + what, now));
        if (s.lastLimitLogNanos == 0 || now - s.lastLimitLogNanos > LOG_EVERY_NANOS) {
            s.lastLimitLogNanos = now;
            LOG.info("tracker: refusing {}'s {} ({}; logged once a minute)", s, what, reason);
        }
    }

    /** Counts a refusal, by reason. */
    void refused(String reason) {
        refusals.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** What was refused since the tracker started, by reason, in the order of the reasons' names. */
    Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        refusals.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }

    /** A client sent more than the tracker can queue for it: it is closed. */
    void flooded(ClientSession s, String what) {
        refused("flood");
        LOG.info("tracker: closing {}: more than {} waiting to be handled", s, what);
        Connection c = s.connection;
        if (c != null) {
            c.close("flooding the tracker");
        }
    }
}

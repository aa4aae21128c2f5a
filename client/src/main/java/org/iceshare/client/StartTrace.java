package org.iceshare.client;

import java.time.Instant;

/**
 * With {@code -Diceshare.trace.start=true} (in JAVA_OPTS), one line on stderr per step of a start, in
 * milliseconds since the process began (the launcher script's exec keeps its process): where a slow start
 * goes, without a profiler. Off, each mark is one volatile read.
 */
final class StartTrace {
    private static final boolean ON = Boolean.getBoolean("iceshare.trace.start");
    private static final long BEGAN = ON ? ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
            .orElse(System.currentTimeMillis()) : 0;

    private StartTrace() {
    }

    static void mark(String step) {
        if (ON) {
            System.err.println("iceshare: start +" + (System.currentTimeMillis() - BEGAN) + " ms " + step
                    + " [" + Thread.currentThread().getName() + "]");
        }
    }
}

package org.iceshare.client;

/**
 * With {@code -Diceshare.trace.start=true} (in JAVA_OPTS), one line on stderr per step of a start, in
 * milliseconds since {@code main} began (the JVM's own start before it is not counted: asking the OS when the
 * process began costs more than the steps measured): where a slow start goes, without a profiler. Off, each
 * mark is one read of a constant.
 */
final class StartTrace {
    private static final boolean ON = Boolean.getBoolean("iceshare.trace.start");
    private static final long BEGAN = System.nanoTime();

    private StartTrace() {
    }

    static void mark(String step) {
        if (ON) {
            System.err.println("iceshare: start +" + (System.nanoTime() - BEGAN) / 1_000_000 + " ms " + step
                    + " [" + Thread.currentThread().getName() + "]");
        }
    }
}

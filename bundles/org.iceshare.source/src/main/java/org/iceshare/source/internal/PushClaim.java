package org.iceshare.source.internal;

/**
 * A push's hold on its mount from an admitted head until it ends. Identity matters: a push that
 * took over a stalled mount holds a new claim, and the old connection's end then changes nothing.
 *
 * <p><b>Threading:</b> the stream is set under the engine's lock and read on the event loop.
 */
final class PushClaim {
    final String mount;
    final String declaredType;
    final String remote;
    private final Runnable close;
    private volatile LiveStream stream;

    PushClaim(String mount, String declaredType, String remote, Runnable close) {
        this.mount = mount;
        this.declaredType = declaredType;
        this.remote = remote;
        this.close = close;
    }

    LiveStream stream() {
        return stream;
    }

    void stream(LiveStream s) {
        this.stream = s;
    }

    /** Closes the push's connection. */
    void close() {
        close.run();
    }

    @Override
    public String toString() {
        return "push to /" + mount + " from " + remote;
    }
}

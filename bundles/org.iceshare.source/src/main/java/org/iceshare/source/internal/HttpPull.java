package org.iceshare.source.internal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a live Ogg stream from an HTTP URL (an Icecast mount) with {@code java.net.http}, reading
 * the body as it comes and handing it to the stream.
 *
 * <p><b>Connection and reconnection.</b> The first connection decides: when it fails (cannot
 * connect, an HTTP status other than 200, a body no format can cut) the stream fails and
 * {@code pull(...)} completes with that reason. Once the stream has started, a connection that
 * fails or ends marks the stream off air (after flushing the cutter: the next connection starts a new
 * chain link, Icecast sending the headers first) and a new one is tried after a backoff: the
 * configured minimum, doubling after each failure up to the maximum, and back to the minimum once a
 * connection delivers a stream again. The next piece puts the stream back on air.
 *
 * <p>A connection that stays silent for {@value #STALL_DROP_FACTOR}× the stall timeout (the
 * stream has been off air for a while) is dropped and reconnected, so a server that died without
 * closing the connection cannot hold the stream forever. Shorter gaps are plain stalls: the
 * connection is kept and the stream continues when bytes come again.
 *
 * <p><b>Threading:</b> the body's bytes arrive on the HTTP client's executor, one call at a time;
 * {@link #stop} and {@link #dropSilent} may be called from any thread.
 */
final class HttpPull {
    private static final Logger LOG = LoggerFactory.getLogger(HttpPull.class);
    static final int STALL_DROP_FACTOR = 4;

    private final LiveStream stream;
    private final URI url;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final LiveFormats formats;
    private final Supplier<SourceSettings> settings;

    private final Object lock = new Object();
    // guarded by lock
    private int attempt;
    private Flow.Subscription subscription;
    private ScheduledFuture<?> retry;
    private boolean stopped;
    private boolean started;
    private long backoffMillis;
    private long connections;

    HttpPull(LiveStream stream, URI url, HttpClient client, ScheduledExecutorService scheduler, LiveFormats formats,
            Supplier<SourceSettings> settings) {
        this.stream = stream;
        this.url = url;
        this.client = client;
        this.scheduler = scheduler;
        this.formats = formats;
        this.settings = settings;
        this.backoffMillis = settings.get().reconnectMinMillis();
    }

    void start() {
        connect();
    }

    /** Stops pulling; the open connection is closed. */
    void stop() {
        Flow.Subscription s;
        synchronized (lock) {
            stopped = true;
            attempt++;
            s = subscription;
            subscription = null;
            if (retry != null) {
                retry.cancel(false);
            }
        }
        if (s != null) {
            s.cancel();
        }
    }

    /** How many connections delivered a stream so far. */
    long connections() {
        synchronized (lock) {
            return connections;
        }
    }

    /** Drops a connection that has been silent too long and reconnects. */
    void dropSilent(String reason) {
        int current;
        Flow.Subscription s;
        synchronized (lock) {
            current = attempt;
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
        dropped(current, reason);
    }

    private void connect() {
        int my;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            my = ++attempt;
            retry = null;
        }
        HttpRequest request = HttpRequest.newBuilder(url).GET().header("User-Agent", "IceShare-source/1.0")
                .timeout(Duration.ofSeconds(15)).build();
        LOG.debug("live stream '{}': connecting to {}", stream.name, url);
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher()).whenComplete((response, error) -> {
                if (error != null) {
                    dropped(my, "cannot reach " + url + ": " + reason(error));
                } else if (response.statusCode() != 200) {
                    response.body().subscribe(new Cancelling());
                    dropped(my, url + " answered HTTP " + response.statusCode());
                } else {
                    String declared = response.headers().firstValue("Content-Type").orElse(null);
                    response.body().subscribe(new Body(my, declared));
                }
            });
        } catch (RuntimeException e) {
            dropped(my, "cannot reach " + url + ": " + reason(e));
        }
    }

    /** A connection ended or failed: fail a stream that never started, else go off air and retry. */
    private void dropped(int which, String reason) {
        long delay;
        boolean fail;
        synchronized (lock) {
            if (which != attempt || stopped) {
                return;
            }
            attempt++;
            subscription = null;
            fail = !started;
            delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, settings.get().reconnectMaxMillis());
            if (fail) {
                stopped = true;
            }
        }
        if (fail) {
            LOG.warn("live stream '{}': {}", stream.name, reason);
            stream.fail(reason);
            return;
        }
        stream.inputEnded(reason, false);
        LOG.warn("live stream '{}': {}; reconnecting in {} ms", stream.name, reason, delay);
        synchronized (lock) {
            if (stopped) {
                return;
            }
            try {
                retry = scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                stopped = true;
            }
        }
    }

    /** The first bytes of a connection passed the probe. */
    private boolean connected(int which) {
        synchronized (lock) {
            if (which != attempt || stopped) {
                return false;
            }
            started = true;
            connections++;
            backoffMillis = settings.get().reconnectMinMillis();
        }
        stream.connected();
        return true;
    }

    private static String reason(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** Reads one connection's body. */
    private final class Body implements Flow.Subscriber<List<ByteBuffer>> {
        private final int which;
        private final String declared;
        private final ByteArrayOutputStream probe = new ByteArrayOutputStream();
        private boolean probed;
        private Flow.Subscription sub;

        Body(int which, String declared) {
            this.which = which;
            this.declared = declared;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (lock) {
                if (which != attempt || stopped) {
                    s.cancel();
                    return;
                }
                subscription = s;
            }
            sub = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (probed) {
                    // a copy: the cutter may keep what it is given, the client's buffers are its own
                    stream.accept(ByteBuffer.allocate(item.remaining()).put(item).flip());
                    continue;
                }
                byte[] b = new byte[item.remaining()];
                item.get(b);
                probe.write(b, 0, b.length);
                if (probe.size() >= LiveFormats.PROBE_BYTES && !probe()) {
                    return;
                }
            }
            sub.request(1);
        }

        /** Probes the gathered bytes; false when the connection was given up. */
        private boolean probe() {
            ByteBuffer head = ByteBuffer.wrap(probe.toByteArray());
            probe.reset();
            LiveFormats.Choice choice;
            try {
                choice = formats.choose(head, settings.get().targetPieceMicros());
            } catch (LiveFormats.UnsupportedInputException e) {
                sub.cancel();
                dropped(which, url + " does not serve a live stream IceShare can cut: " + e.getMessage());
                return false;
            }
            String format = stream.format();
            if (format != null && !format.equals(choice.format())) {
                sub.cancel();
                stream.problem(url + " now serves " + choice.format() + ", the stream is " + format);
                dropped(which, url + " changed format to " + choice.format());
                return false;
            }
            stream.useFormat(choice, declared);
            if (!connected(which)) {
                sub.cancel();
                return false;
            }
            probed = true;
            LOG.info("live stream '{}': pulling {} ({})", stream.name, url, declared);
            stream.accept(head);
            return true;
        }

        @Override
        public void onError(Throwable t) {
            dropped(which, "the connection to " + url + " failed: " + reason(t));
        }

        @Override
        public void onComplete() {
            if (!probed && probe.size() > 0 && !probe()) {
                return;
            }
            dropped(which, url + " ended the stream");
        }
    }

    /** Discards the body of a refused response. */
    private static final class Cancelling implements Flow.Subscriber<List<ByteBuffer>> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            // cancelled: nothing comes
        }

        @Override
        public void onError(Throwable t) {
            // the response was refused already
        }

        @Override
        public void onComplete() {
            // the response was refused already
        }
    }
}

package org.iceshare.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.peer.PeerSettings;
import org.iceshare.icet.internal.NettyTransport;

/**
 * The client's one peer: a {@link PeerEngine} with its own TCP transport and the {@link ClientPlugins},
 * storing in the data folder, wired by hand as the in-JVM swarm fixture does. It holds a lock on the data
 * folder (one identity, one store: one running client per folder), writes {@value ClientConfig#RUNTIME_FILE}
 * for {@code iceshare status}, and closes on Ctrl-C through a shutdown hook: the peer leaves its swarms
 * and trackers, and every verified piece stays in storage for the next run.
 */
final class ClientPeer implements AutoCloseable {
    /** How long the tracker has to accept a connection, and then to answer a Join. */
    static final Duration TRACKER_WAIT = Duration.ofSeconds(10);

    private final ClientConfig config;
    private final String command;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final NettyTransport transport;
    private final PeerEngine engine;
    private final List<String> urls = new ArrayList<>();
    private final Thread hook;
    private volatile Runnable onSignal = () -> { };
    /** True once Ctrl-C (or SIGTERM) started the shutdown: what fails after it is the peer closing, not an error. */
    private static volatile boolean signalled;
    private boolean closed;

    private ClientPeer(ClientConfig config, String command, FileChannel lockChannel, FileLock lock,
            NettyTransport transport, PeerEngine engine) {
        this.config = config;
        this.command = command;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.transport = transport;
        this.engine = engine;
        this.hook = new Thread(this::onShutdown, "iceshare-shutdown");
    }

    /** Locks the data folder, starts the peer and registers the Ctrl-C hook. */
    static ClientPeer start(CommonOptions o, ClientConfig config, String command) throws ClientException {
        long up = o.up != null ? option("--up", () -> Values.rate(o.up)) : config.rate("up");
        long down = o.down != null ? option("--down", () -> Values.rate(o.down)) : config.rate("down");
        int port = o.port != null ? option("--port", () -> Values.port(o.port)) : config.port("peer.port", 0);
        int httpPort = o.httpPort != null ? option("--http-port", () -> Values.port(o.httpPort))
                : config.port("http.port", 0);
        String host = o.host != null ? o.host : config.get("peer.host") != null ? config.get("peer.host") : "127.0.0.1";
        Path dir = config.dataDir();
        FileChannel ch = null;
        FileLock lock;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new ClientException(ExitCodes.LOCAL, "cannot use the data folder " + dir + ": " + e.getMessage());
        }
        if (lock == null) {
            closeQuietly(ch);
            throw new ClientException(ExitCodes.LOCAL, "another iceshare client is running with the data folder " + dir
                    + " (see 'iceshare status'); give this one its own with --data-dir DIR");
        }
        PeerSettings s;
        try {
            s = new PeerSettings("iceshare", host, port, "127.0.0.1", httpPort, dir, config.tracker(), 4,
                    Duration.ofSeconds(20), up, Duration.ofSeconds(15), false, List.of(NettyTransport.TCP), Map.of(),
                    down);
        } catch (IllegalArgumentException e) {
            release(lock, ch);
            throw new ClientException(ExitCodes.USAGE, e.getMessage());
        }
        StartTrace.mark("peer: data folder locked");
        NettyTransport transport = StartWarmUp.transport();
        PeerEngine engine = new PeerEngine(s, List.of(transport), new ClientPlugins());
        StartTrace.mark("peer: transport made");
        try {
            engine.start();
        } catch (IOException | RuntimeException e) {
            engine.close();
            transport.close();
            release(lock, ch);
            throw new ClientException(ExitCodes.LOCAL, "cannot start the peer on " + host + " port " + port + ": "
                    + e.getMessage(), e);
        }
        ClientPeer peer = new ClientPeer(config, command, ch, lock, transport, engine);
        Runtime.getRuntime().addShutdownHook(peer.hook);
        peer.writeRuntimeFile();
        return peer;
    }

    PeerEngine engine() {
        return engine;
    }

    ClientConfig config() {
        return config;
    }

    /** What to say when Ctrl-C ends the client (runs in the shutdown hook, before the peer closes). */
    void onSignal(Runnable r) {
        this.onSignal = r;
    }

    /**
     * Joins a URL's swarm: the tracker must accept a connection and answer within {@link #TRACKER_WAIT}.
     */
    SwarmStatus join(IcetUrl url) throws ClientException {
        probe(url.host(), url.port());
        SwarmStatus s;
        try {
            s = engine.get(url).toCompletableFuture().get(TRACKER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ClientException(ExitCodes.TRACKER_UNREACHABLE, "no answer from the tracker at " + url.host() + ":"
                    + url.port() + " within " + TRACKER_WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw refused(url.toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.INTERRUPTED, "interrupted");
        }
        if (s.state() == SwarmStatus.State.FAILED) {
            throw new ClientException(ExitCodes.TRACKER_REFUSED, url + ": " + s.error());
        }
        addUrl(url.toString());
        return s;
    }

    /** Publishes a file (it must look like Ogg) on a tracker, and gives its URL. */
    IcetUrl publish(Path file, InetSocketAddress tracker) throws ClientException {
        checkOgg(file);
        probe(tracker.getHostString(), tracker.getPort());
        IcetUrl url;
        try {
            // hashing a large file takes a while; the tracker's answer then comes at once
            url = engine.publish(file, null, tracker).toCompletableFuture().get(10, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            throw new ClientException(ExitCodes.TRACKER_UNREACHABLE, "publishing " + file + " got no answer from the"
                    + " tracker at " + tracker.getHostString() + ":" + tracker.getPort());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            String m = c == null ? String.valueOf(e) : c.getMessage();
            if (c instanceof PublishException p && p.trackerCode().isPresent()) {
                throw new ClientException(ExitCodes.TRACKER_REFUSED, "cannot publish " + file + ": " + m,
                        p.trackerCode().get() == ErrorCode.BUSY);
            }
            if (m != null && m.startsWith("tracker ")) {
                throw new ClientException(ExitCodes.TRACKER_REFUSED, "cannot publish " + file + ": " + m);
            }
            throw new ClientException(ExitCodes.BAD_MEDIA, m != null && m.startsWith("cannot") ? m
                    : "cannot publish " + file + ": " + m);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.INTERRUPTED, "interrupted");
        }
        addUrl(url.toString());
        return url;
    }

    /** Refuses a missing, unreadable or non-Ogg file before any hashing. */
    static void checkOgg(Path file) throws ClientException {
        if (!Files.isRegularFile(file)) {
            throw new ClientException(ExitCodes.BAD_MEDIA, "no such file: " + file);
        }
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new ClientException(ExitCodes.BAD_MEDIA, "cannot read " + file + ": " + e.getMessage());
        }
        if (n < 4 || head[0] != 'O' || head[1] != 'g' || head[2] != 'g' || head[3] != 'S') {
            throw new ClientException(ExitCodes.BAD_MEDIA, file + " is not an Ogg file (it does not begin with an Ogg"
                    + " page); IceShare shares Ogg media (.ogg, .oga, .opus, .ogv)");
        }
    }

    /**
     * Whether anything listens at the tracker's address: a refused or unroutable connection is told at
     * once, rather than after the peer's reconnect backoff.
     */
    static void probe(String host, int port) throws ClientException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) TRACKER_WAIT.toMillis());
        } catch (UnknownHostException e) {
            throw new ClientException(ExitCodes.TRACKER_UNREACHABLE, "cannot reach the tracker at " + host + ":" + port
                    + ": unknown host");
        } catch (IOException e) {
            throw new ClientException(ExitCodes.TRACKER_UNREACHABLE, "cannot reach the tracker at " + host + ":" + port
                    + ": " + e.getMessage());
        }
    }

    private static ClientException refused(String what, Throwable c) {
        String m = c instanceof PublishException ? c.getMessage() : String.valueOf(c);
        return new ClientException(ExitCodes.TRACKER_REFUSED, what + ": " + m);
    }

    private synchronized void addUrl(String url) {
        urls.add(url);
        writeRuntimeFile();
    }

    /** Tells {@code iceshare status} who runs here and where its player endpoint (with stats.json) is. */
    private synchronized void writeRuntimeFile() {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("command", command);
        p.setProperty("started", Instant.now().toString());
        p.setProperty("http", String.valueOf(engine.httpBase()));
        p.setProperty("peer", String.valueOf(engine.address()));
        p.setProperty("id", engine.id().toHex());
        p.setProperty("urls", String.join(" ", urls));
        Path file = config.runtimeFile();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // Properties.store would add the date in the local time zone's name, whose lookup costs ~20 ms of a
        // cold start; the lines it writes are simple enough to write here ("started" has the time)
        StringBuilder b = new StringBuilder("# the running iceshare client (iceshare status reads this)\n");
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            b.append(k).append('=').append(escaped(p.getProperty(k))).append('\n');
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(b.toString());
        } catch (IOException e) {
            return; // status will not see this client; nothing else depends on it
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // as above
        }
    }

    /** A value as {@link Properties#load(java.io.Reader)} reads it back. */
    static String escaped(String value) {
        String v = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return v.startsWith(" ") || v.startsWith("\t") ? "\\" + v : v;
    }

    /** Whether the JVM is shutting down on a signal. */
    static boolean signalled() {
        return signalled;
    }

    private void onShutdown() {
        signalled = true;
        boolean open;
        synchronized (this) {
            open = !closed;
        }
        if (open) {
            try {
                onSignal.run();
            } catch (RuntimeException e) {
                // the message is a courtesy; the peer must still close
            }
        }
        closePeer();
    }

    /** Leaves the swarms and trackers; verified pieces stay in storage. Idempotent, any thread. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook closes
        }
        closePeer();
    }

    private void closePeer() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        engine.close();
        transport.close();
        try {
            Files.deleteIfExists(config.runtimeFile());
        } catch (IOException e) {
            // a stale file is recognised by its dead pid
        }
        release(lock, lockChannel);
    }

    private static void release(FileLock lock, FileChannel ch) {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    interface Parse<T> {
        T get();
    }

    /** Parses an option's value, a bad one being a usage error that names the option. */
    static <T> T option(String name, Parse<T> p) throws ClientException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, name + ": " + e.getMessage());
        }
    }
}

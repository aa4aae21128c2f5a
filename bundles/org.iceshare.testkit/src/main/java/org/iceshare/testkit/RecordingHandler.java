package org.iceshare.testkit;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;

/**
 * A {@link ConnectionHandler} for transport tests: records every callback and sends its Hello (if any)
 * as soon as the connection opens. The recorded callbacks are public, thread-safe collections.
 */
public class RecordingHandler implements ConnectionHandler {
    public final CompletableFuture<Connection> opened = new CompletableFuture<>();
    public final CompletableFuture<String> closed = new CompletableFuture<>();
    public final AtomicInteger closedCalls = new AtomicInteger();
    public final BlockingQueue<IcetMessage> received = new LinkedBlockingQueue<>();
    public final List<Boolean> writability = new CopyOnWriteArrayList<>();
    private final Hello hello;

    public RecordingHandler(Hello hello) {
        this.hello = hello;
    }

    @Override
    public void opened(Connection connection) {
        opened.complete(connection);
        if (hello != null) {
            connection.send(hello);
        }
    }

    @Override
    public void received(Connection connection, IcetMessage message) {
        received.add(message);
    }

    @Override
    public void closed(Connection connection, String reason) {
        closedCalls.incrementAndGet();
        closed.complete(reason);
    }

    @Override
    public void writable(Connection connection, boolean writable) {
        writability.add(writable);
    }

    public Connection connection() throws Exception {
        return opened.get(5, TimeUnit.SECONDS);
    }

    /** The next message, waiting up to 5 s. */
    public IcetMessage next() throws InterruptedException {
        IcetMessage m = received.poll(5, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 5 s");
        }
        return m;
    }

    public String closeReason() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}

package org.iceshare.transport.tcp.internal;

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

/** Records every callback; sends its Hello (if any) as soon as the connection opens. */
class RecordingHandler implements ConnectionHandler {
    final CompletableFuture<Connection> opened = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final AtomicInteger closedCalls = new AtomicInteger();
    final BlockingQueue<IcetMessage> received = new LinkedBlockingQueue<>();
    final List<Boolean> writability = new CopyOnWriteArrayList<>();
    private final Hello hello;

    RecordingHandler(Hello hello) {
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

    Connection connection() throws Exception {
        return opened.get(5, TimeUnit.SECONDS);
    }

    /** The next message, waiting up to 5 s. */
    IcetMessage next() throws InterruptedException {
        IcetMessage m = received.poll(5, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 5 s");
        }
        return m;
    }

    String closeReason() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}

package org.iceshare.itests.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;

/**
 * A transport for a compromised tracker: every message the tracker sends passes through a rewrite the
 * test sets at run time (swap a manifest, forge announcements), and is otherwise carried by the real
 * transport underneath. It stands for an attacker who controls the tracker process but not the
 * publisher's private key.
 */
public final class CompromisedTransport implements Transport {
    private final Transport delegate;
    private volatile UnaryOperator<IcetMessage> rewrite = UnaryOperator.identity();

    public CompromisedTransport(Transport delegate) {
        this.delegate = delegate;
    }

    /** From now on, what the tracker sends is rewritten by {@code rewrite} (identity: honest again). */
    public void rewrite(UnaryOperator<IcetMessage> rewrite) {
        this.rewrite = Objects.requireNonNull(rewrite);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
        return delegate.listen(local, () -> wrap(handlers.create()));
    }

    @Override
    public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        Handler h = wrap(handler);
        return delegate.connect(remote, h).thenApply(h::of);
    }

    @Override
    public Refusals refusals() {
        return delegate.refusals();
    }

    private Handler wrap(ConnectionHandler handler) {
        return new Handler(handler);
    }

    /** Hands the tracker one tampering view per connection, the same one in every callback. */
    private final class Handler implements ConnectionHandler {
        private final ConnectionHandler inner;
        private volatile Tampering view;

        Handler(ConnectionHandler inner) {
            this.inner = inner;
        }

        synchronized Tampering of(Connection c) {
            if (view == null) {
                view = new Tampering(c);
            }
            return view;
        }

        @Override
        public void opened(Connection c) {
            inner.opened(of(c));
        }

        @Override
        public void received(Connection c, IcetMessage message) {
            inner.received(of(c), message);
        }

        @Override
        public void closed(Connection c, String reason) {
            inner.closed(of(c), reason);
        }

        @Override
        public void writable(Connection c, boolean writable) {
            inner.writable(of(c), writable);
        }
    }

    private final class Tampering implements Connection {
        private final Connection c;

        Tampering(Connection c) {
            this.c = c;
        }

        @Override
        public CompletionStage<Void> send(IcetMessage message) {
            return c.send(rewrite.apply(message));
        }

        @Override
        public boolean isWritable() {
            return c.isWritable();
        }

        @Override
        public boolean isOpen() {
            return c.isOpen();
        }

        @Override
        public void close(String reason) {
            c.close(reason);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return c.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return c.localAddress();
        }

        @Override
        public String transport() {
            return c.transport();
        }

        @Override
        public long bytesRead() {
            return c.bytesRead();
        }

        @Override
        public long bytesWritten() {
            return c.bytesWritten();
        }
    }
}

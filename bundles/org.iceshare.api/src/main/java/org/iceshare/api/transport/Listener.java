package org.iceshare.api.transport;

import java.net.InetSocketAddress;

import org.osgi.annotation.versioning.ConsumerType;

/** A bound server socket of some transport. Closing it stops accepting; open connections stay. */
@ConsumerType
public interface Listener extends AutoCloseable {

    /** The address actually bound (with the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    /** The transport this listener belongs to. */
    String transport();

    /** Stops accepting connections. Idempotent, never throws. */
    @Override
    void close();
}

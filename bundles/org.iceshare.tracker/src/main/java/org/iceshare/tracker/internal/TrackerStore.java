package org.iceshare.tracker.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;

/**
 * What the tracker keeps across a restart: the published manifests (live stream registrations among them:
 * a live content is its manifest), who owns each name, the all-time upload/download bytes per peer key, and
 * the bans per content. Everything else (members, holders, assignments) is rebuilt from the clients that
 * come back.
 *
 * <p><b>Sync policy.</b> {@link #publish} and {@link #ban} are durable when they return (committed and
 * forced to the disk): the tracker calls them before it answers PUBLISHED, so nothing acknowledged is lost
 * on {@code kill -9} or a power cut. {@link #ratio} only stages a value; {@link #flush} hands the staged
 * ones to the store, which writes them on a thread of its own; the tracker flushes once per tick (at most a
 * second): a {@code kill -9} loses the credits since the last tick and those still being written (tens of
 * milliseconds for 10,000 peers).
 *
 * <p><b>Threading:</b> the tracker's executor only (an implementation may be used from one thread at a time).
 */
interface TrackerStore extends AutoCloseable {

    /** A name's registration: its owner's key, and the content published under it. */
    record Owner(PeerId owner, ContentId content, boolean live) {
    }

    /** Everything kept, read once when the tracker starts. */
    record Snapshot(Map<String, Owner> names, Map<String, Manifest> manifests, Map<PeerId, long[]> ratios,
            Map<ContentId, Set<PeerId>> bans) {
    }

    /** The store could not be opened or read: the message says which file and what to do. */
    final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the store holds now. */
    Snapshot load();

    /**
     * Records that {@code owner} owns {@code name} and, when {@code manifest} is not null, that it is the
     * content published under it now (replacing any other, whose bans are dropped). Durable on return.
     */
    void publish(String name, Owner owner, Manifest manifest) throws IOException;

    /** Records that {@code peer} is banned from {@code content}. Durable on return. */
    void ban(ContentId content, PeerId peer) throws IOException;

    /** Stages a peer's all-time uploaded and downloaded bytes: written by the next {@link #flush}. */
    void ratio(PeerId peer, long uploaded, long downloaded);

    /**
     * Hands what {@link #ratio} staged to the store, which writes it at once on a thread of its own, not forced
     * to the disk (a later publication or ban forces it); reports a failure of the previous write.
     */
    void flush() throws IOException;

    /** Flushes and releases the store. */
    @Override
    void close() throws IOException;

    /** A store in memory: nothing survives the JVM. Closing it keeps its contents, so a test can reopen it. */
    static TrackerStore inMemory() {
        return new MemoryTrackerStore();
    }
}

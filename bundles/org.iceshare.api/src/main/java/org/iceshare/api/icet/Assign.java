package org.iceshare.api.icet;

import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;

/**
 * Tracker to client: fetch these pieces from these peers. The tracker sends assignments when a
 * client joins and revises them as verification reports come in. A later assignment for the same
 * piece adds a source; it does not cancel earlier ones (a {@link Revoke} does).
 */
public record Assign(ContentId content, List<Entry> entries) implements IcetMessage {
    /** At most this many entries per message. */
    public static final int MAX_ENTRIES = 65_536;

    public Assign {
        Objects.requireNonNull(content, "content");
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " assignments in one message");
        }
    }

    /**
     * One assignment.
     *
     * @param piece the piece to fetch
     * @param source the peer to fetch it from (its address comes in a {@link Peers} message)
     * @param availability how many peers hold the piece now, for rarest-first ordering
     */
    public record Entry(int piece, PeerId source, int availability) {
        public Entry {
            if (piece < 0) {
                throw new IllegalArgumentException("piece must be >= 0");
            }
            Objects.requireNonNull(source, "source");
            if (availability < 0) {
                throw new IllegalArgumentException("availability must be >= 0");
            }
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ASSIGN;
    }
}

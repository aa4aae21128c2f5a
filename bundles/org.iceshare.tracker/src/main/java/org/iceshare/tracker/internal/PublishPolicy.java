package org.iceshare.tracker.internal;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;

import org.iceshare.api.swarm.PeerId;

/**
 * Who may publish a new name on this tracker: clients on the tracker's own machine ({@code local}, the
 * default), clients whose ids are listed ({@code listed}), or anyone ({@code anyone}). A name once
 * published belongs to its publisher's key whatever the policy ({@link NameRegistry}).
 *
 * @param mode who may publish
 * @param listed the ids allowed in {@code listed} mode (and always, in every mode)
 */
record PublishPolicy(Mode mode, Set<PeerId> listed) {

    enum Mode {
        LOCAL, LISTED, ANYONE
    }

    static final PublishPolicy LOCAL = new PublishPolicy(Mode.LOCAL, Set.of());

    PublishPolicy {
        listed = Set.copyOf(listed);
    }

    /**
     * Reads {@code local}, {@code listed} or {@code anyone}, and a comma-separated list of peer ids.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static PublishPolicy parse(String mode, String ids) {
        Mode m;
        try {
            m = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publishers must be local, listed or anyone, not '" + mode + "'");
        }
        java.util.Set<PeerId> set = new java.util.HashSet<>();
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                try {
                    set.add(PeerId.parse(id.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("publisher id '" + id.trim() + "': " + e.getMessage());
                }
            }
        }
        return new PublishPolicy(m, set);
    }

    /** True when a client with this id, connected from {@code remote} to {@code local}, may publish a new name. */
    boolean allows(PeerId id, InetSocketAddress remote, InetSocketAddress local) {
        if (listed.contains(id) || mode == Mode.ANYONE) {
            return true;
        }
        if (mode == Mode.LOCAL) {
            return remote.getAddress() != null && (remote.getAddress().isLoopbackAddress()
                    || local != null && remote.getAddress().equals(local.getAddress()));
        }
        return false;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case LOCAL -> "clients on the tracker's machine" + (listed.isEmpty() ? "" : " and " + listed.size()
                    + " listed id(s)");
            case LISTED -> listed.size() + " listed id(s)";
            case ANYONE -> "anyone";
        };
    }
}

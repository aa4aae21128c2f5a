package org.iceshare.tracker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.tracker.internal.TrackerStore.Owner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns each name: the key that first published under it. A name is recorded in the tracker's
 * {@link TrackerStore} (durably) before the tracker answers PUBLISHED, then here; this is the in-memory view
 * the publish rules read.
 *
 * <p>Before the store, registrations were kept in an append-only text file ({@code names} in the tracker's
 * storage folder, one line per registration: name, owner id, content id, {@code live} or {@code file});
 * {@link #readLegacy} reads it once so a tracker upgraded in place keeps its names.
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class NameRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NameRegistry.class);

    private final Map<String, Owner> names;

    /** @param stored the registrations the store holds */
    NameRegistry(Map<String, Owner> stored) {
        this.names = new HashMap<>(stored);
    }

    Owner get(String name) {
        return names.get(name);
    }

    int size() {
        return names.size();
    }

    /** Records a registration the store already holds. */
    void put(String name, Owner owner) {
        names.put(name, owner);
    }

    /**
     * The registrations of the old {@code names} file (empty when there is none). A line that cannot be
     * read is skipped and logged, never fatal.
     */
    static Map<String, Owner> readLegacy(Path file) throws IOException {
        Map<String, Owner> out = new HashMap<>();
        if (file == null || !Files.exists(file)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String[] f = line.trim().split(" ");
            if (line.isBlank()) {
                continue;
            }
            try {
                if (f.length != 4 || !(f[3].equals("live") || f[3].equals("file"))) {
                    throw new IllegalArgumentException("expected: name owner content live|file");
                }
                out.put(Manifest.checkName(f[0]), new Owner(PeerId.parse(f[1]), ContentId.parse(f[2]),
                        f[3].equals("live")));
            } catch (IllegalArgumentException e) {
                LOG.warn("tracker: skipping line {} of {}: {}", n, file, e.getMessage());
            }
        }
        return out;
    }
}

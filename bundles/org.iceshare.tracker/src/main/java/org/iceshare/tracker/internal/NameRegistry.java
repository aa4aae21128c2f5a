package org.iceshare.tracker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns each name: the key that first published under it. A name is registered before the tracker
 * answers PUBLISHED, and kept across restarts in a small append-only file ({@code names} in the tracker's
 * storage folder, one line per registration: name, owner id, content id, {@code live} or {@code file}),
 * written and forced to disk before the answer goes out, so an acknowledged registration survives a
 * {@code kill -9}. A line that cannot be read is skipped and logged, never fatal.
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class NameRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NameRegistry.class);

    /** A registration. */
    record Owner(PeerId owner, ContentId content, boolean live) {
    }

    private final Path file;
    private final Map<String, Owner> names = new HashMap<>();

    /**
     * @param file where registrations are kept, or null to keep them in memory only
     */
    NameRegistry(Path file) throws IOException {
        this.file = file;
        if (file != null && Files.exists(file)) {
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
                    names.put(Manifest.checkName(f[0]), new Owner(PeerId.parse(f[1]), ContentId.parse(f[2]),
                            f[3].equals("live")));
                } catch (IllegalArgumentException e) {
                    LOG.warn("tracker: skipping line {} of {}: {}", n, file, e.getMessage());
                }
            }
            LOG.info("tracker: {} names owned, from {}", names.size(), file);
        }
    }

    Owner get(String name) {
        return names.get(name);
    }

    int size() {
        return names.size();
    }

    /** Registers a name for an owner and a content, on disk first. */
    void register(String name, PeerId owner, ContentId content, boolean live) throws IOException {
        Owner o = new Owner(owner, content, live);
        if (o.equals(names.get(name))) {
            return;
        }
        if (file != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String line = name + " " + owner.toHex() + " " + content.toHex() + " " + (live ? "live" : "file") + "\n";
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        }
        names.put(name, o);
    }
}

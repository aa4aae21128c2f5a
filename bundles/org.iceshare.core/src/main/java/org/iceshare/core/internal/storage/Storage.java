package org.iceshare.core.internal.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.engine.internal.Identity;

/**
 * A peer's storage folder:
 *
 * <pre>
 * peer.key                   the peer's Ed25519 key pair (its id is derived from it), made once,
 *                            readable by the owner only
 * contents/&lt;content id&gt;/     one {@link PieceStore} per content, plus swarm.properties
 * publishers.properties      the publisher first seen for each content name on each tracker
 *                            ({@link PublisherPins})
 * </pre>
 *
 * {@code swarm.properties} remembers the content's {@code icet://} URL and whether this peer is its
 * source, so the peer can rejoin its swarms after a restart.
 *
 * <p><b>Threading:</b> thread-safe (every method works on the file system only).
 */
public final class Storage {
    private static final String SWARM_FILE = "swarm.properties";

    private final Path root;
    private final PublisherPins pins;

    public Storage(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("contents"));
        this.pins = new PublisherPins(root.resolve(PublisherPins.FILE));
    }

    /** The publishers this peer has seen, per tracker and name (trust on first use). */
    public PublisherPins publishers() {
        return pins;
    }

    public Path root() {
        return root;
    }

    /**
     * The peer's identity, created on first use and kept in {@code peer.key}. (The random {@code peer.id}
     * of versions before IceT 3 is not used: an id now comes from a key.)
     */
    public Identity identity() throws IOException {
        return Identity.loadOrCreate(root.resolve("peer.key"));
    }

    public Path contentDir(ContentId id) {
        return root.resolve("contents").resolve(id.toHex());
    }

    /** A remembered swarm: its folder, URL and role. */
    public record StoredSwarm(Path dir, IcetUrl url, boolean source) {
    }

    public void remember(ContentId id, IcetUrl url, boolean source) throws IOException {
        Path dir = contentDir(id);
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("url", url.toString());
        p.setProperty("source", Boolean.toString(source));
        Path tmp = dir.resolve(SWARM_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "IceShare swarm");
        }
        Files.move(tmp, dir.resolve(SWARM_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every content folder that holds a store and a swarm file. Unreadable ones are skipped. */
    public List<StoredSwarm> storedSwarms() throws IOException {
        List<StoredSwarm> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("contents"))) {
            for (Path dir : dirs) {
                Path swarm = dir.resolve(SWARM_FILE);
                if (!PieceStore.exists(dir) || !Files.isRegularFile(swarm)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(swarm, StandardCharsets.UTF_8)) {
                    p.load(r);
                    out.add(new StoredSwarm(dir, IcetUrl.parse(p.getProperty("url")),
                            Boolean.parseBoolean(p.getProperty("source"))));
                } catch (IOException | IllegalArgumentException e) {
                    // a damaged swarm file only costs rejoining that swarm by hand
                    continue;
                }
            }
        }
        return out;
    }
}

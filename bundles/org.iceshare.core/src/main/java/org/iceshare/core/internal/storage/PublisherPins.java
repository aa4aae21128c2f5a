package org.iceshare.core.internal.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;

/**
 * Trust on first use for publishers: which publisher a content name had on a tracker the first time
 * this peer joined it. A later manifest for the same name on the same tracker signed by anyone else is
 * refused, so a compromised tracker cannot swap in content re-signed with another key. Kept in the
 * peer's storage as {@code publishers.properties}, one line {@code host:port/name=publisherIdHex} per
 * name; an operator who knows a publisher changed its key removes that line.
 *
 * <p><b>Threading:</b> thread-safe; every change is written to disk at once (atomically).
 */
public final class PublisherPins {
    public static final String FILE = "publishers.properties";

    private final Path file;
    private final Properties pins = new Properties();

    /** The pins stored in {@code file}; none when it does not exist yet. */
    public PublisherPins(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                pins.load(r);
            }
        }
    }

    /** The key of a name on a tracker: {@code host:port/name}, host in lower case. */
    static String key(IcetUrl url) {
        return url.host().toLowerCase(Locale.ROOT) + ":" + url.port() + "/" + url.name();
    }

    /** The publisher first seen for the URL's tracker and name, or null when none was seen. */
    public synchronized PeerId pinned(IcetUrl url) {
        String hex = pins.getProperty(key(url));
        if (hex == null) {
            return null;
        }
        try {
            return PeerId.parse(hex.trim());
        } catch (IllegalArgumentException e) {
            // a hand-edited line that is no id pins nothing; the next join pins again
            return null;
        }
    }

    /**
     * Pins the publisher of the URL's tracker and name when none is pinned yet.
     *
     * @return the publisher pinned now (the earlier one when there was one)
     */
    public synchronized PeerId pinIfAbsent(IcetUrl url, PeerId publisher) throws IOException {
        PeerId earlier = pinned(url);
        if (earlier != null) {
            return earlier;
        }
        pins.setProperty(key(url), publisher.toHex());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            pins.store(w, "IceShare: the publisher of each content name, per tracker, as first seen");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return publisher;
    }
}

package org.iceshare.shell.internal;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;

/**
 * A content a command can name, as the container knows it: from the local tracker (id and name) or
 * from a peer's swarm (id, name and URL).
 *
 * @param id the content id
 * @param name the name it is published under
 * @param url its {@code icet://} URL, or null when not known (a tracker that is not listening)
 */
record ContentRef(ContentId id, String name, IcetUrl url) {

    ContentRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** Name and short id, as messages and completers show a content: {@code show.ogg (3f2a1b4c)}. */
    String label() {
        return name + " (" + id.shortHex() + ")";
    }
}

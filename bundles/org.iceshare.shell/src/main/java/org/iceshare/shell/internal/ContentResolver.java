package org.iceshare.shell.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.Tracker;

/**
 * Turns what an operator typed for {@code URL|CONTENT} into one content: an {@code icet://} URL, a
 * content id (32 hex digits, or a unique prefix of at least 4), or a name. Plain logic over the
 * contents the container knows, so it is tested without OSGi.
 */
final class ContentResolver {
    /** The shortest id prefix accepted. */
    static final int MIN_PREFIX = 4;
    private static final int LISTED = 10;

    private ContentResolver() {
    }

    /**
     * The contents the container knows: those of the local tracker (with URLs on its address) and
     * those of the peers' swarms, in that order. The same content may appear more than once.
     *
     * @param tracker the local tracker, or null
     */
    static List<ContentRef> known(Tracker tracker, Collection<Peer> peers) {
        List<ContentRef> out = new ArrayList<>();
        if (tracker != null) {
            InetSocketAddress at = tracker.address();
            for (TrackedContent c : tracker.contents()) {
                out.add(new ContentRef(c.id(), c.name(), at == null ? null
                        : new IcetUrl(at.getHostString(), at.getPort(), c.name())));
            }
        }
        for (Peer p : peers) {
            for (SwarmStatus s : p.swarms()) {
                out.add(new ContentRef(s.content(), s.url().name(), s.url()));
            }
        }
        return out;
    }

    /**
     * The one content {@code text} names among {@code known}.
     *
     * @throws IllegalArgumentException with a message for the operator: malformed URL, nothing
     *         matches (with the known contents), or several contents match
     */
    static ContentRef resolve(String text, Collection<ContentRef> known) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("name a content: its icet:// URL, its name or its id");
        }
        if (t.regionMatches(true, 0, IcetUrl.SCHEME + "://", 0, IcetUrl.SCHEME.length() + 3)) {
            IcetUrl url = IcetUrl.parse(t);
            // a pinned URL (icet://<publisher>@host/name) and the plain one name the same content here
            IcetUrl plain = url.withPublisher(null);
            List<ContentRef> hits = matching(known, r -> r.url() != null && plain.equals(r.url().withPublisher(null)));
            if (hits.isEmpty()) {
                // the same tracker under another host spelling (localhost, 127.0.0.1): name and port decide
                hits = matching(known, r -> r.name().equals(url.name()) && (r.url() == null
                        || r.url().port() == url.port()));
            }
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("no content at " + url + " is known here" + knownList(known));
            }
            return single(t, hits);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (t.length() == ContentId.LENGTH * 2 && isHex(lower)) {
            ContentId id = ContentId.parse(lower);
            List<ContentRef> hits = matching(known, r -> r.id().equals(id));
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("no content with id " + lower + " is known here"
                        + knownList(known));
            }
            return hits.get(0);
        }
        List<ContentRef> byName = matching(known, r -> r.name().equals(t));
        if (!byName.isEmpty()) {
            return single(t, byName);
        }
        if (t.length() >= MIN_PREFIX && isHex(lower)) {
            List<ContentRef> byPrefix = matching(known, r -> r.id().toHex().startsWith(lower));
            if (!byPrefix.isEmpty()) {
                return single(t, byPrefix);
            }
        }
        throw new IllegalArgumentException("no content named '" + t + "' or with an id starting so"
                + knownList(known));
    }

    /** The refs that match, one per content id (the first seen). */
    private static List<ContentRef> matching(Collection<ContentRef> known, Predicate<ContentRef> test) {
        Map<ContentId, ContentRef> byId = new LinkedHashMap<>();
        for (ContentRef r : known) {
            if (test.test(r)) {
                byId.merge(r.id(), r, (a, b) -> a.url() == null && b.url() != null ? b : a);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static ContentRef single(String text, List<ContentRef> hits) {
        if (hits.size() == 1) {
            return hits.get(0);
        }
        List<String> which = new ArrayList<>();
        for (ContentRef r : hits) {
            which.add(r.url() == null ? r.label() : r.url() + " (" + r.id().shortHex() + ")");
        }
        throw new IllegalArgumentException("'" + text + "' names " + hits.size() + " contents: "
                + String.join(", ", which) + "; give the icet:// URL or the content id");
    }

    private static String knownList(Collection<ContentRef> known) {
        List<ContentRef> distinct = matching(known, r -> true);
        if (distinct.isEmpty()) {
            return "; none is (publish or get one first)";
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < distinct.size() && i < LISTED; i++) {
            labels.add(distinct.get(i).label());
        }
        return "; known: " + String.join(", ", labels)
                + (distinct.size() > LISTED ? " and " + (distinct.size() - LISTED) + " more" : "");
    }

    static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}

package org.iceshare.api.swarm;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A parsed {@code icet://[publisherId@]host[:port]/name} URL: the tracker's address and the content's
 * name on it, and optionally the id of the publisher whose signed manifest the content must have (32
 * hex digits, a {@link PeerId}; IceT version 4). A URL with a publisher pins it: a peer refuses a
 * manifest signed by anyone else, whatever the tracker says. {@link #parse(String)} refuses anything
 * else with a message that says what is wrong.
 */
public final class IcetUrl {
    public static final String SCHEME = "icet";
    /** The tracker port when a URL names none. */
    public static final int DEFAULT_PORT = 7740;

    private final String host;
    private final int port;
    private final String name;
    private final PeerId publisher;

    public IcetUrl(String host, int port, String name) {
        this(null, host, port, name);
    }

    /**
     * A URL that pins the publisher.
     *
     * @param publisher the publisher's id, or null for none
     * @since 1.6
     */
    public IcetUrl(PeerId publisher, String host, int port, String name) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an icet:// URL needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1..65535: " + port);
        }
        this.host = host;
        this.port = port;
        this.name = Manifest.checkName(name);
        this.publisher = publisher;
    }

    public static IcetUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty icet:// URL");
        }
        if (text.length() > 2048) {
            throw new IllegalArgumentException("icet:// URL longer than 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed icet:// URL '" + text + "': " + e.getReason(), e);
        }
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an icet:// URL (scheme " + uri.getScheme() + "): " + text);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an icet:// URL takes no query or fragment: " + text);
        }
        PeerId publisher = null;
        if (uri.getRawUserInfo() != null) {
            String hex = uri.getRawUserInfo();
            if (hex.length() != PeerId.LENGTH * 2 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("the publisher id before '@' in an icet:// URL must be "
                        + PeerId.LENGTH * 2 + " hex digits (icet://<publisherId>@host[:port]/name), got '" + hex
                        + "' in " + text);
            }
            publisher = PeerId.parse(hex.toLowerCase(java.util.Locale.ROOT));
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("malformed icet:// URL, no valid host: " + text);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        String path = uri.getPath();
        if (path == null || path.length() < 2 || path.charAt(0) != '/' || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("an icet:// URL names one content: icet://host[:port]/name.ogg, got "
                    + text);
        }
        return new IcetUrl(publisher, host, port, path.substring(1));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    /** The publisher this URL pins, if it names one. @since 1.6 */
    public java.util.Optional<PeerId> publisher() {
        return java.util.Optional.ofNullable(publisher);
    }

    /** The same URL pinned to {@code publisher} (null: unpinned). @since 1.6 */
    public IcetUrl withPublisher(PeerId publisher) {
        return new IcetUrl(publisher, host, port, name);
    }

    /** The tracker's address, unresolved. */
    public InetSocketAddress tracker() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IcetUrl u && u.host.equalsIgnoreCase(host) && u.port == port && u.name.equals(name)
                && java.util.Objects.equals(u.publisher, publisher);
    }

    @Override
    public int hashCode() {
        return host.toLowerCase(java.util.Locale.ROOT).hashCode() * 31 + port * 17 + name.hashCode();
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return SCHEME + "://" + (publisher == null ? "" : publisher.toHex() + "@") + h + ":" + port + "/" + name;
    }
}

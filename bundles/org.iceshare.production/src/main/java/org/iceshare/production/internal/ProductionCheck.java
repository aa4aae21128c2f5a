package org.iceshare.production.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Production mode: a container that listens on a non-loopback address must not accept the distribution's
 * default credentials. Plain Java, no OSGi: the same rule runs before Karaf starts ({@link #main}, called by
 * {@code bin/setenv} on {@code etc/}) and inside the running container ({@link ProductionGuard}, on the live
 * configuration).
 *
 * <p>A setup is refused when <em>any</em> port the container opens (the IceShare tracker, peers, player
 * endpoints and push server, the ssh console, the web console, JMX) binds an address that is not a loopback
 * one, while the login {@code karaf}/{@code karaf} is accepted or the push password is still Icecast's
 * {@code hackme}. An address counts as loopback only when it is {@code localhost} or a loopback literal
 * (127.0.0.0/8, ::1); a host name, a wildcard (0.0.0.0, ::) or an interface's address counts as exposed,
 * so a doubt refuses.
 *
 * <p><b>Threading:</b> stateless.
 */
public final class ProductionCheck {

    /** The distribution's default login. */
    static final String DEFAULT_USER = "karaf";
    static final String DEFAULT_PASSWORD = "karaf";
    /** The live sources' default push password (Icecast's well-known one). */
    static final String DEFAULT_PUSH_PASSWORD = "hackme";

    private ProductionCheck() {
    }

    /**
     * One address the container listens on.
     *
     * @param what what listens, for the operator ("the ssh console")
     * @param host the configured address
     * @param setting where it is configured ("sshHost in etc/org.apache.karaf.shell.cfg")
     */
    public record Binding(String what, String host, String setting) {
        public boolean loopback() {
            return isLoopback(host);
        }
    }

    /** Whether the default login is accepted. */
    public enum Login {
        /** {@code karaf}/{@code karaf} logs in. */
        DEFAULT,
        /** It does not. */
        CHANGED,
        /** It cannot be told (an encrypted password of an unknown kind): counts as changed here. */
        UNKNOWN
    }

    /**
     * What the check looks at.
     *
     * @param bindings every address the container listens on
     * @param login whether {@code karaf}/{@code karaf} logs in
     * @param loginSetting where the login is configured, for the message
     * @param defaultPushPassword whether the push server is enabled with the default password
     * @param pushSetting where the push password is configured, for the message
     */
    public record Setup(List<Binding> bindings, Login login, String loginSetting, boolean defaultPushPassword,
            String pushSetting) {
        public Setup {
            bindings = List.copyOf(bindings);
        }
    }

    /** True for {@code localhost} and loopback literals; no name is looked up. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.isEmpty() || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The reason to refuse {@code setup}, for the operator: what is exposed, which default credentials
     * are in use and what to change. Empty when the setup may run.
     */
    public static Optional<String> refusal(Setup setup) {
        List<Binding> exposed = setup.bindings().stream().filter(b -> !b.loopback()).toList();
        List<String> defaults = new ArrayList<>();
        if (setup.login() == Login.DEFAULT) {
            defaults.add("the login " + DEFAULT_USER + "/" + DEFAULT_PASSWORD + " (" + setup.loginSetting()
                    + "): give user " + DEFAULT_USER + " a password of your own (the line 'karaf = YOUR-PASSWORD,"
                    + "_g_:admingroup'), or remove the user and log in with ssh keys (etc/keys.properties)");
        }
        if (setup.defaultPushPassword()) {
            defaults.add("the push password '" + DEFAULT_PUSH_PASSWORD + "' (" + setup.pushSetting()
                    + "): set a password of your own, or pushEnabled = false");
        }
        if (exposed.isEmpty() || defaults.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder("IceShare refuses to start in production mode: it would listen on ")
                .append(exposed.size() == 1 ? "a non-loopback address" : "non-loopback addresses").append('\n');
        for (Binding e : exposed) {
            b.append("  - ").append(e.what()).append(" on ").append(e.host()).append(" (").append(e.setting())
                    .append(")\n");
        }
        b.append("while the distribution's default credentials still work:\n");
        for (String d : defaults) {
            b.append("  - ").append(d).append('\n');
        }
        b.append("Change these credentials, or keep every address on 127.0.0.1 (where the defaults stay usable"
                + " for trying IceShare out). See \"Production mode\" in docs/operator-guide.md.");
        return Optional.of(b.toString());
    }

    /**
     * The check before Karaf starts: reads the configuration in the folder given (Karaf's {@code etc/}),
     * prints the refusal to standard error and exits with status 1, or exits with 0.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp org.iceshare.production.jar " + ProductionCheck.class.getName()
                    + " KARAF_ETC");
            System.exit(2);
        }
        Setup setup;
        try {
            setup = EtcSetup.read(Path.of(args[0]), System.getenv());
        } catch (RuntimeException e) {
            System.err.println("IceShare production check: cannot read " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        Optional<String> refusal = refusal(setup);
        if (refusal.isPresent()) {
            System.err.println(refusal.get());
            System.exit(1);
        }
    }
}

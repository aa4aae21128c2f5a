package org.iceshare.production.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.production.internal.ProductionCheck.Binding;
import org.iceshare.production.internal.ProductionCheck.Login;
import org.iceshare.production.internal.ProductionCheck.Setup;

/**
 * The {@link Setup} of a container, read from its configuration: the files of {@code etc/} before Karaf
 * starts, or the live configuration of a running one (the same keys, through a lookup by PID). A key that is
 * not set takes the default of whoever reads it; where that default is not loopback-only (Karaf binds ssh
 * and HTTP to every address unless told otherwise) the check assumes the exposed default.
 *
 * <p><b>Threading:</b> stateless.
 */
final class EtcSetup {

    /** Where a PID's configuration comes from, for the messages. */
    static final String SHELL = "org.apache.karaf.shell";
    static final String WEB = "org.ops4j.pax.web";
    static final String JMX = "org.apache.karaf.management";
    static final String JAAS = "org.apache.karaf.jaas";
    static final String TRACKER = "org.iceshare.tracker";
    static final String PEER = "org.iceshare.peer";
    static final String SOURCE = "org.iceshare.source";
    static final String ANY = "0.0.0.0";

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}:]+)(?::-([^}]*))?}");

    private EtcSetup() {
    }

    /** The configuration of one PID (a factory configuration: one per instance); null when it has none. */
    interface Configs {
        Map<String, String> pid(String pid);

        /** Every configuration of a factory PID, by its name (the part after the dash of the file name). */
        Map<String, Map<String, String>> factory(String factoryPid);
    }

    /** Reads the files of an {@code etc/} folder, resolving {@code ${env:NAME}} and {@code ${env:NAME:-default}}. */
    static Setup read(Path etc, Map<String, String> env) {
        Configs files = new Configs() {
            @Override
            public Map<String, String> pid(String pid) {
                return load(etc.resolve(pid + ".cfg"), env);
            }

            @Override
            public Map<String, Map<String, String>> factory(String factoryPid) {
                Map<String, Map<String, String>> out = new java.util.TreeMap<>();
                try (DirectoryStream<Path> s = Files.newDirectoryStream(etc, factoryPid + "-*.cfg")) {
                    for (Path f : s) {
                        String n = f.getFileName().toString();
                        out.put(n.substring(factoryPid.length() + 1, n.length() - 4), load(f, env));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return out;
            }
        };
        Path users = etc.resolve("users.properties");
        return setup(files, "etc/", Files.isRegularFile(users) ? login(load(users, Map.of()), files.pid(JAAS))
                : Login.CHANGED);
    }

    /**
     * The setup of a configuration.
     *
     * @param where how the configuration is named in messages ({@code "etc/"})
     * @param login whether the default login works, as found out by the caller
     */
    static Setup setup(Configs configs, String where, Login login) {
        List<Binding> bindings = new ArrayList<>();
        Function<String, String> file = pid -> where + pid + ".cfg";

        Map<String, String> shell = orEmpty(configs.pid(SHELL));
        bindings.add(new Binding("the ssh console", shell.getOrDefault("sshHost", ANY), "sshHost in " + file.apply(SHELL)));

        Map<String, String> web = orEmpty(configs.pid(WEB));
        boolean http = !"false".equalsIgnoreCase(web.getOrDefault("org.osgi.service.http.enabled", "true").trim());
        boolean https = "true".equalsIgnoreCase(web.getOrDefault("org.osgi.service.http.secure.enabled", "false").trim());
        if (http || https) {
            for (String a : web.getOrDefault("org.ops4j.pax.web.listening.addresses", ANY).split(",")) {
                bindings.add(new Binding("the web console (HTTP)", a.trim(),
                        "org.ops4j.pax.web.listening.addresses in " + file.apply(WEB)));
            }
        }

        Map<String, String> jmx = orEmpty(configs.pid(JMX));
        bindings.add(new Binding("JMX (RMI registry)", jmx.getOrDefault("rmiRegistryHost", ANY),
                "rmiRegistryHost in " + file.apply(JMX)));
        bindings.add(new Binding("JMX (RMI server)", jmx.getOrDefault("rmiServerHost", ANY),
                "rmiServerHost in " + file.apply(JMX)));
        if ("true".equalsIgnoreCase(jmx.getOrDefault("jmxmpEnabled", "false").trim())) {
            bindings.add(new Binding("JMX (JMXMP)", jmx.getOrDefault("jmxmpHost", ANY),
                    "jmxmpHost in " + file.apply(JMX)));
        }

        Map<String, String> tracker = configs.pid(TRACKER);
        if (tracker != null) {
            bindings.add(new Binding("the IceShare tracker", tracker.getOrDefault("host", "127.0.0.1"),
                    "host in " + file.apply(TRACKER)));
        }
        for (Map.Entry<String, Map<String, String>> peer : new java.util.TreeMap<>(configs.factory(PEER)).entrySet()) {
            Map<String, String> p = peer.getValue();
            String f = where + PEER + "-" + peer.getKey() + ".cfg";
            String name = p.getOrDefault("name", peer.getKey());
            bindings.add(new Binding("IceShare peer '" + name + "'", p.getOrDefault("host", "127.0.0.1"), "host in " + f));
            if (!"-1".equals(p.getOrDefault("httpPort", "8190").trim())) {
                bindings.add(new Binding("the player endpoint of peer '" + name + "'",
                        p.getOrDefault("httpHost", "127.0.0.1"), "httpHost in " + f));
            }
        }

        Map<String, String> source = configs.pid(SOURCE);
        Map<String, String> s = orEmpty(source);
        boolean push = !"false".equalsIgnoreCase(s.getOrDefault("pushEnabled", "true").trim());
        if (source != null && push) {
            bindings.add(new Binding("the live sources' push server", s.getOrDefault("pushHost", "127.0.0.1"),
                    "pushHost in " + file.apply(SOURCE)));
        }
        boolean defaultPush = push && ProductionCheck.DEFAULT_PUSH_PASSWORD.equals(
                s.getOrDefault(".pushPassword", ProductionCheck.DEFAULT_PUSH_PASSWORD));
        return new Setup(bindings, login, where + "users.properties", defaultPush,
                ".pushPassword in " + file.apply(SOURCE));
    }

    /**
     * Whether {@code users.properties} lets {@code karaf}/{@code karaf} in: the user's password in clear, or
     * encrypted the way Karaf's basic encryption does it ({@code org.apache.karaf.jaas}: a digest of the
     * password, in hexadecimal or base64, between the prefix and suffix). Another encryption: unknown.
     */
    static Login login(Map<String, String> users, Map<String, String> jaas) {
        String entry = users.get(ProductionCheck.DEFAULT_USER);
        if (entry == null) {
            return Login.CHANGED;
        }
        int comma = entry.indexOf(',');
        String password = (comma < 0 ? entry : entry.substring(0, comma)).trim();
        Map<String, String> j = orEmpty(jaas);
        String prefix = j.getOrDefault("encryption.prefix", "{CRYPT}");
        String suffix = j.getOrDefault("encryption.suffix", "{CRYPT}");
        if (!prefix.isEmpty() && password.startsWith(prefix) && password.endsWith(suffix)
                && password.length() >= prefix.length() + suffix.length()) {
            String digest = password.substring(prefix.length(), password.length() - suffix.length());
            if (!"basic".equalsIgnoreCase(j.getOrDefault("encryption.name", "basic").trim())) {
                return Login.UNKNOWN;
            }
            try {
                byte[] expected = MessageDigest.getInstance(j.getOrDefault("encryption.algorithm", "MD5").trim())
                        .digest(ProductionCheck.DEFAULT_PASSWORD.getBytes(StandardCharsets.UTF_8));
                String encoding = j.getOrDefault("encryption.encoding", "hexadecimal").trim();
                boolean same = encoding.equalsIgnoreCase("base64")
                        ? digest.equals(Base64.getEncoder().encodeToString(expected))
                        : digest.equalsIgnoreCase(HexFormat.of().formatHex(expected));
                return same ? Login.DEFAULT : Login.CHANGED;
            } catch (NoSuchAlgorithmException e) {
                return Login.UNKNOWN;
            }
        }
        return password.equals(ProductionCheck.DEFAULT_PASSWORD) ? Login.DEFAULT : Login.CHANGED;
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    /** A properties file as strings, {@code ${env:...}} resolved; null when there is no such file. */
    static Map<String, String> load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new java.util.HashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            out.put(key, resolve(p.getProperty(key).trim(), env));
        }
        return out;
    }

    static String resolve(String value, Map<String, String> env) {
        Matcher m = ENV.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                v = m.group(2) != null ? m.group(2) : m.group();
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }
}

package org.iceshare.client;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the client keeps things and what the user configured. The data folder ({@code
 * $XDG_DATA_HOME/iceshare}, else {@code ~/.local/share/iceshare}) holds the identity key, the stored
 * contents and the running client's {@value #RUNTIME_FILE}; the config file ({@code
 * $XDG_CONFIG_HOME/iceshare/config.properties}, else {@code ~/.config/iceshare/config.properties}) holds
 * defaults for the options. A command-line option beats the config file, which beats the built-in default.
 */
public final class ClientConfig {
    /** The file a running client writes into its data folder for {@code iceshare status}. */
    public static final String RUNTIME_FILE = "client.properties";

    /** The keys the config file may hold (docs/client.md). Any other key is refused, so a typo is seen. */
    static final Set<String> KEYS = Set.of("up", "down", "tracker", "player", "peer.host", "peer.port", "http.port");

    private final Path dataDir;
    private final Path configFile;
    private final Properties props;

    private ClientConfig(Path dataDir, Path configFile, Properties props) {
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.props = props;
    }

    /**
     * Reads the config file (missing is fine) and resolves the data folder.
     *
     * @param dataDirOption the {@code --data-dir} option, or null
     */
    public static ClientConfig load(Map<String, String> env, Path dataDirOption) throws ClientException {
        Path home = Path.of(System.getProperty("user.home"));
        Path dataDir = dataDirOption != null ? dataDirOption
                : xdg(env, "XDG_DATA_HOME", home.resolve(".local/share")).resolve("iceshare");
        Path configFile = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve("iceshare")
                .resolve("config.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            // no config file: the defaults
        } catch (IOException | IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, "cannot read " + configFile + ": " + e.getMessage());
        }
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new ClientException(ExitCodes.USAGE, "unknown key '" + k + "' in " + configFile + " (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        return new ClientConfig(dataDir.toAbsolutePath(), configFile, p);
    }

    /** An XDG base folder: the variable when it is set to an absolute path (as the spec says), else the default. */
    private static Path xdg(Map<String, String> env, String variable, Path fallback) {
        String v = env.get(variable);
        if (v != null && !v.isBlank() && Path.of(v).isAbsolute()) {
            return Path.of(v);
        }
        return fallback;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path configFile() {
        return configFile;
    }

    public Path runtimeFile() {
        return dataDir.resolve(RUNTIME_FILE);
    }

    /** The raw value of a key, or null. */
    public String get(String key) {
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** A rate key in bytes per second (0 when unset). */
    public long rate(String key) throws ClientException {
        String v = get(key);
        return v == null ? 0 : parse(key, () -> Values.rate(v));
    }

    public int port(String key, int fallback) throws ClientException {
        String v = get(key);
        return v == null ? fallback : parse(key, () -> Values.port(v));
    }

    public InetSocketAddress tracker() throws ClientException {
        String v = get("tracker");
        return v == null ? null : parse("tracker", () -> Values.hostPort(v));
    }

    private interface Parse<T> {
        T get();
    }

    private <T> T parse(String key, Parse<T> p) throws ClientException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, configFile + ": " + key + ": " + e.getMessage());
        }
    }
}

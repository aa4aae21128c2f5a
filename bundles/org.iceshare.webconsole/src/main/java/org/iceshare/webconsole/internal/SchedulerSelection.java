package org.iceshare.webconsole.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;

import org.iceshare.api.scheduler.PieceScheduler;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Reads and changes the scheduler selection, the configuration PID {@value #PID} that the core's
 * plugin registry follows: {@value #FILE} for files being downloaded, {@value #STREAMING} for live
 * streams and played files. A change is a ConfigAdmin update, so it applies at once in every swarm and
 * Karaf's file install writes it back to {@code etc/org.iceshare.scheduler.cfg}.
 *
 * <p><b>Threading:</b> thread-safe; {@link #select} blocks only for the ConfigAdmin update.
 */
final class SchedulerSelection {
    static final String PID = PieceScheduler.SELECTION_PID;
    static final String FILE = PieceScheduler.SELECTION_FILES;
    static final String STREAMING = PieceScheduler.SELECTION_STREAMING;
    /** The core's defaults when the configuration does not name one. */
    static final String FILE_DEFAULT = PieceScheduler.DEFAULT_FILES;
    static final String STREAMING_DEFAULT = PieceScheduler.DEFAULT_STREAMING;

    /** The configured names. */
    record Selection(String file, String streaming) {
    }

    private final ConfigurationAdmin configAdmin;

    SchedulerSelection(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** The configured names (the core's defaults when there is no configuration yet). */
    Selection current() throws IOException {
        Configuration[] found;
        try {
            found = configAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + PID + ")");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter", e);
        }
        Dictionary<String, Object> props = found == null || found.length == 0 ? null : found[0].getProperties();
        return new Selection(value(props, FILE, FILE_DEFAULT), value(props, STREAMING, STREAMING_DEFAULT));
    }

    /**
     * Selects {@code name} for files ({@code kind} "file") or for streaming ("streaming").
     *
     * @param installed the names of the installed schedulers
     * @throws ApiException 400 for an unknown kind or a name no installed scheduler has
     */
    Selection select(String kind, String name, List<String> installed) throws ApiException, IOException {
        String k = kind == null || kind.isBlank() ? "file" : kind.trim().toLowerCase(Locale.ROOT);
        String key = switch (k) {
            case "file" -> FILE;
            case "streaming" -> STREAMING;
            default -> throw ApiException.badRequest("kind must be 'file' or 'streaming', got '" + kind + "'");
        };
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("name is required: one of " + installed);
        }
        String n = name.trim();
        if (!installed.contains(n)) {
            throw ApiException.badRequest("unknown scheduler '" + n + "'; installed: " + installed);
        }
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = c.getProperties();
        Dictionary<String, Object> update = new Hashtable<>();
        if (props != null) {
            for (var e = props.keys(); e.hasMoreElements();) {
                String p = e.nextElement();
                update.put(p, props.get(p));
            }
        }
        update.put(key, n);
        c.update(update);
        return new Selection(value(update, FILE, FILE_DEFAULT), value(update, STREAMING, STREAMING_DEFAULT));
    }

    private static String value(Dictionary<String, Object> props, String key, String fallback) {
        Object v = props == null ? null : props.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }
}

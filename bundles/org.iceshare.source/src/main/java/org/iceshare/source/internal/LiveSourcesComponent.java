package org.iceshare.source.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.transport.Refusals;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sources as an OSGi service: a thin wrapper around {@link LiveSourceEngine}.
 *
 * <p>Configuration PID {@value #PID}. The push password is the private property {@code .pushPassword}
 * (not published with the service). A configuration with a value out of range is refused as a
 * whole: the error is logged and the settings in force are kept (the defaults at activation). The
 * peers and media formats are tracked dynamically: a peer or format installed later is used from
 * then on; the streams of a peer that goes away are stopped.
 *
 * <p><b>Threading:</b> as {@link LiveSourceEngine}; SCR serialises activate, modified and
 * deactivate, and binds references on its own threads.
 */
@Component(service = LiveSources.class, configurationPid = LiveSourcesComponent.PID, immediate = true)
@Designate(ocd = LiveSourcesComponent.Config.class)
public final class LiveSourcesComponent implements LiveSources {
    public static final String PID = "org.iceshare.source";

    private static final Logger LOG = LoggerFactory.getLogger(LiveSourcesComponent.class);

    @ObjectClassDefinition(name = "IceShare live sources",
            description = "Live streams fed into IceShare: files played out in real time, pulls from Icecast "
                    + "mounts, and an Icecast-compatible source push server (ffmpeg -f ogg icecast://..., ezstream).")
    public @interface Config {
        @AttributeDefinition(name = "Peer", description = "Name of the IceShare peer that carries the live streams "
                + "(its publishLive registers them with its tracker).")
        String peer() default "default";

        @AttributeDefinition(name = "Push server enabled", description = "Whether the Icecast-compatible source "
                + "push server runs.")
        boolean pushEnabled() default true;

        @AttributeDefinition(name = "Push host", description = "Address the push server binds. A loopback address "
                + "keeps it local; any other address requires a password other than the default.")
        String pushHost() default "127.0.0.1";

        @AttributeDefinition(name = "Push port", description = "Port of the push server (Icecast's own is 8000).",
                min = "1", max = "65535")
        int pushPort() default SourceSettings.DEFAULT_PUSH_PORT;

        /**
         * The push password, as the private property {@code .pushPassword} (the leading dot keeps it
         * out of the service's properties, which any bundle can read).
         */
        @AttributeDefinition(name = "Push password", type = AttributeType.PASSWORD,
                description = "Password of user 'source' for pushes (HTTP Basic); key .pushPassword. The default "
                        + "'hackme' is Icecast's well-known one: it is accepted on a loopback address only, with a "
                        + "warning. Change it.")
        String _pushPassword() default SourceSettings.DEFAULT_PASSWORD;

        @AttributeDefinition(name = "Maximum pushes", description = "How many pushes may be connected at once; "
                + "another one is answered 503.", min = "1", max = "" + SourceSettings.MAX_MAX_PUSHES)
        int maxPushes() default SourceSettings.DEFAULT_MAX_PUSHES;

        @AttributeDefinition(name = "Window (s)", description = "How much of each live stream peers keep. Applies "
                + "to streams started afterwards.", min = "" + SourceSettings.MIN_WINDOW_SECONDS,
                max = "" + SourceSettings.MAX_WINDOW_SECONDS)
        int windowSeconds() default SourceSettings.DEFAULT_WINDOW_SECONDS;

        @AttributeDefinition(name = "Piece duration (ms)", description = "Playback time the cutter aims at per "
                + "piece. Applies to streams started afterwards.", min = "" + SourceSettings.MIN_PIECE_MILLIS,
                max = "" + SourceSettings.MAX_PIECE_MILLIS)
        int pieceMillis() default SourceSettings.DEFAULT_PIECE_MILLIS;

        @AttributeDefinition(name = "Stall timeout (s)", description = "A pull or push that delivers nothing for "
                + "this long marks its stream off air; input resuming puts it back on air.",
                min = "" + SourceSettings.MIN_STALL_SECONDS, max = "" + SourceSettings.MAX_STALL_SECONDS)
        int stallTimeoutSeconds() default SourceSettings.DEFAULT_STALL_SECONDS;

        @AttributeDefinition(name = "Reconnect backoff, first (ms)", description = "First wait before a dropped "
                + "pull reconnects; it doubles after each failure.", min = "" + SourceSettings.MIN_RECONNECT_MILLIS,
                max = "" + SourceSettings.MAX_RECONNECT_MILLIS)
        long reconnectMinMillis() default SourceSettings.DEFAULT_RECONNECT_MIN_MILLIS;

        @AttributeDefinition(name = "Reconnect backoff, longest (ms)", description = "Longest wait between "
                + "reconnects of a pull.", min = "" + SourceSettings.MIN_RECONNECT_MILLIS,
                max = "" + SourceSettings.MAX_RECONNECT_MILLIS)
        long reconnectMaxMillis() default SourceSettings.DEFAULT_RECONNECT_MAX_MILLIS;

        @AttributeDefinition(name = "Grace period (s)", description = "How long the stream of a disconnected push "
                + "(or of a file that ended) is kept off air, so that a source reconnecting to the same mount "
                + "resumes the same stream (same icet:// URL). Then the stream is closed.", min = "0",
                max = "" + SourceSettings.MAX_GRACE_SECONDS)
        int graceSeconds() default SourceSettings.DEFAULT_GRACE_SECONDS;
    }

    private record Ranked<T>(T service, String name, int ranking, long id) {
    }

    private static final Comparator<Ranked<?>> BEST_FIRST = Comparator.<Ranked<?>>comparingInt(r -> -r.ranking())
            .thenComparingLong(Ranked::id);

    private final Object formatsLock = new Object();
    private volatile List<Ranked<MediaFormat>> formats = List.of();
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final LiveSourceEngine engine;

    @Activate
    public LiveSourcesComponent(Config config) {
        engine = new LiveSourceEngine(settings(config, SourceSettings.DEFAULTS), this::formats, this::peer);
        engine.start();
    }

    @Modified
    void configure(Config config) {
        engine.reconfigure(settings(config, engine.settings()));
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** The settings of {@code config}, or {@code current} when it holds a value out of range. */
    static SourceSettings settings(Config c, SourceSettings current) {
        try {
            return new SourceSettings(c.peer(), c.pushEnabled(), c.pushHost(), c.pushPort(), c._pushPassword(),
                    c.maxPushes(), c.windowSeconds() * 1_000_000L, c.pieceMillis() * 1000L,
                    c.stallTimeoutSeconds() * 1000L, c.reconnectMinMillis(), c.reconnectMaxMillis(),
                    c.graceSeconds() * 1000L);
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Keeping {}", PID, e.getMessage(), current);
            return current;
        }
    }

    // ---- references (dynamic, greedy)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPeer(Peer p) {
        peers.add(p);
    }

    void removePeer(Peer p) {
        peers.remove(p);
        engine.peerGone(p);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFormat(MediaFormat f, Map<String, Object> props) {
        int ranking = props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        long id = props.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
        Object name = props.get(MediaFormat.NAME_PROPERTY);
        synchronized (formatsLock) {
            List<Ranked<MediaFormat>> copy = new ArrayList<>(formats);
            copy.add(new Ranked<>(f, name == null ? f.name() : name.toString(), ranking, id));
            copy.sort(BEST_FIRST);
            formats = List.copyOf(copy);
        }
    }

    void removeFormat(MediaFormat f) {
        synchronized (formatsLock) {
            formats = formats.stream().filter(r -> r.service() != f).toList();
        }
    }

    private List<MediaFormat> formats() {
        return formats.stream().map(Ranked::service).toList();
    }

    private Peer peer(String name) {
        for (Peer p : peers) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    LiveSourceEngine engine() {
        return engine;
    }

    // ---- LiveSources

    @Override
    public CompletionStage<LiveStreamInfo> playFile(Path file, String name, boolean loop) {
        return engine.playFile(file, name, loop);
    }

    @Override
    public CompletionStage<LiveStreamInfo> pull(URI url, String name) {
        return engine.pull(url, name);
    }

    @Override
    public List<LiveStreamInfo> streams() {
        return engine.streams();
    }

    @Override
    public boolean stop(String name) {
        return engine.stop(name);
    }

    @Override
    public Refusals pushRefusals() {
        return engine.pushRefusals();
    }
}

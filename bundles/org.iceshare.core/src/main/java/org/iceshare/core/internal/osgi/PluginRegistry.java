package org.iceshare.core.internal.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.peer.Plugins;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot-swap point for every peer in the container: tracks the installed schedulers, verifiers
 * and media formats through dynamic greedy references, and selects the scheduler named by
 * configuration (PID {@code org.iceshare.scheduler}). Peers ask it at the moment of use, so a
 * configuration change, a newly deployed scheduler or an uninstalled one takes effect on the next
 * scheduling round without touching any transfer.
 *
 * <p><b>Threading:</b> thread-safe; SCR binds and unbinds on its own threads.
 */
@Component(service = PluginRegistry.class, configurationPid = PieceScheduler.SELECTION_PID, immediate = true)
@Designate(ocd = PluginRegistry.Config.class)
public final class PluginRegistry implements Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    @ObjectClassDefinition(name = "IceShare scheduler selection",
            description = "Selects the piece scheduler every IceShare peer in this container uses. The change "
                    + "applies at once, in the middle of transfers.")
    public @interface Config {
        @AttributeDefinition(name = "Scheduler", description = "Name of the scheduler to use (the scheduler.name "
                + "property of a PieceScheduler service, for example rarest or sequential). When no installed "
                + "scheduler has this name, the highest-ranked one is used until it appears.")
        String name() default PieceScheduler.DEFAULT_FILES;

        @AttributeDefinition(name = "Streaming scheduler", description = "Name of the scheduler for live streams "
                + "and for files a player plays as they arrive (deadline-driven), for example deadline. When it is "
                + "not installed, the file scheduler above is used.")
        String streaming() default PieceScheduler.DEFAULT_STREAMING;
    }

    private record Ranked<T>(T service, String name, int ranking, long id) {
    }

    private static final Comparator<Ranked<?>> BEST_FIRST = Comparator.<Ranked<?>>comparingInt(r -> -r.ranking())
            .thenComparingLong(Ranked::id);

    private final List<Ranked<PieceScheduler>> schedulers = new CopyOnWriteArrayList<>();
    private final List<Ranked<PieceVerifier>> verifiers = new CopyOnWriteArrayList<>();
    private final List<Ranked<MediaFormat>> formats = new CopyOnWriteArrayList<>();
    private volatile String selected = PieceScheduler.DEFAULT_FILES;
    private volatile String streamingSelected = PieceScheduler.DEFAULT_STREAMING;
    private volatile PieceScheduler current;
    private volatile PieceScheduler streaming;

    @Activate
    public PluginRegistry(Config config) {
        this.selected = config.name().trim();
        this.streamingSelected = config.streaming().trim();
    }

    @Modified
    void modified(Config config) {
        String name = config.name().trim();
        String stream = config.streaming().trim();
        List<String> installed = schedulerNames();
        for (String n : List.of(name, stream)) {
            if (!installed.contains(n)) {
                LOG.error("refusing scheduler selection '{}' (streaming '{}'): no scheduler '{}' is installed "
                        + "(installed: {}); keeping '{}' (streaming '{}')", name, stream, n, installed, selected,
                        streamingSelected);
                return;
            }
        }
        if (!name.equals(selected) || !stream.equals(streamingSelected)) {
            LOG.info("scheduler selection changed from '{}' (streaming '{}') to '{}' (streaming '{}')", selected,
                    streamingSelected, name, stream);
            selected = name;
            streamingSelected = stream;
            reselect();
        }
    }

    // ---- references (dynamic, greedy: a better service replaces the bound one at run time)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addScheduler(PieceScheduler s, Map<String, Object> props) {
        add(schedulers, s, name(props, PieceScheduler.NAME_PROPERTY, s.name()), props);
        LOG.info("scheduler '{}' available", s.name());
        reselect();
    }

    void removeScheduler(PieceScheduler s) {
        schedulers.removeIf(r -> r.service() == s);
        LOG.info("scheduler '{}' gone", s.name());
        reselect();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addVerifier(PieceVerifier v, Map<String, Object> props) {
        add(verifiers, v, name(props, PieceVerifier.ALGORITHM_PROPERTY, v.algorithm()), props);
    }

    void removeVerifier(PieceVerifier v) {
        verifiers.removeIf(r -> r.service() == v);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFormat(MediaFormat f, Map<String, Object> props) {
        add(formats, f, name(props, MediaFormat.NAME_PROPERTY, f.name()), props);
        LOG.info("media format '{}' available", f.name());
    }

    void removeFormat(MediaFormat f) {
        formats.removeIf(r -> r.service() == f);
        LOG.info("media format '{}' gone", f.name());
    }

    private static <T> void add(List<Ranked<T>> list, T service, String name, Map<String, Object> props) {
        int ranking = props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        long id = props.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
        synchronized (list) {
            List<Ranked<T>> copy = new ArrayList<>(list);
            copy.add(new Ranked<>(service, name, ranking, id));
            copy.sort(BEST_FIRST);
            list.clear();
            list.addAll(copy);
        }
    }

    private static String name(Map<String, Object> props, String key, String fallback) {
        Object v = props.get(key);
        return v == null ? fallback : v.toString();
    }

    private synchronized void reselect() {
        PieceScheduler before = current;
        PieceScheduler chosen = null;
        for (Ranked<PieceScheduler> r : schedulers) {
            if (r.name().equals(selected)) {
                chosen = r.service();
                break;
            }
        }
        if (chosen == null && !schedulers.isEmpty()) {
            chosen = schedulers.get(0).service();
            LOG.warn("scheduler '{}' is not installed; using '{}', the highest-ranked one", selected, chosen.name());
        }
        current = chosen;
        if (chosen != before) {
            LOG.info("scheduler now '{}' (was '{}')", chosen == null ? "(none)" : chosen.name(),
                    before == null ? "(none)" : before.name());
        }
        PieceScheduler stream = chosen;
        for (Ranked<PieceScheduler> r : schedulers) {
            if (r.name().equals(streamingSelected)) {
                stream = r.service();
                break;
            }
        }
        if (stream != streaming) {
            LOG.info("streaming scheduler now '{}'", stream == null ? "(none)" : stream.name());
        }
        streaming = stream;
    }

    @Override
    public PieceScheduler streamingScheduler() {
        return streaming;
    }

    // ---- Plugins

    @Override
    public PieceScheduler scheduler() {
        return current;
    }

    /** The name configured, which may differ from the one in use when it is not installed. */
    public String selectedName() {
        return selected;
    }

    /** The names of the installed schedulers, best-ranked first. */
    public List<String> schedulerNames() {
        return schedulers.stream().map(Ranked::name).toList();
    }

    @Override
    public PieceVerifier verifier(String algorithm) {
        for (Ranked<PieceVerifier> r : verifiers) {
            if (r.name().equals(algorithm)) {
                return r.service();
            }
        }
        return null;
    }

    @Override
    public PieceVerifier preferredVerifier() {
        return verifiers.isEmpty() ? null : verifiers.get(0).service();
    }

    @Override
    public List<MediaFormat> formats() {
        return formats.stream().map(Ranked::service).toList();
    }
}

package org.iceshare.shell.internal.jmx;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.tracker.Tracker;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
 * Publishes the IceShare statistics as MBeans in the platform MBeanServer, which Karaf's JMX
 * connector serves (service:jmx:rmi:///jndi/rmi://127.0.0.1:1099/karaf-root, user karaf): see
 * {@link IceShareMBeans} for the names. Attribute values are read on every access; the set of
 * MBeans follows the peers and the tracker as they come and go, and the swarms every
 * {@code refreshMillis}.
 *
 * <p>Configuration PID {@value #PID}, optional. A value out of range is refused: the error is logged
 * and the period in force is kept.
 *
 * <p><b>Threading:</b> the refreshes run on one thread of their own; SCR's binds only hand work to it.
 */
@Component(service = {}, immediate = true, configurationPid = JmxComponent.PID)
@Designate(ocd = JmxComponent.Config.class)
public final class JmxComponent {
    public static final String PID = "org.iceshare.jmx";
    static final long MIN_REFRESH_MILLIS = 100;
    static final long MAX_REFRESH_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(JmxComponent.class);

    @ObjectClassDefinition(name = "IceShare JMX statistics",
            description = "Registers MBeans with the statistics of the peers (org.iceshare:type=Peer), their swarms "
                    + "(type=Swarm) and the tracker (type=Tracker) in the platform MBeanServer, which Karaf's JMX "
                    + "connector serves.")
    public @interface Config {
        @AttributeDefinition(name = "Refresh period (ms)", description = "How often the MBeans follow the swarms "
                + "joined and left, in milliseconds (100..60000). Attribute values are always read at the "
                + "moment they are asked for.", min = "100", max = "60000")
        long refreshMillis() default 2000;
    }

    private final IceShareMBeans mbeans;
    private final ScheduledExecutorService thread;
    private ScheduledFuture<?> periodic;
    private long refreshMillis;

    @Activate
    public JmxComponent(Config config) {
        this.mbeans = new IceShareMBeans(ManagementFactory.getPlatformMBeanServer());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceshare-jmx");
            t.setDaemon(true);
            return t;
        });
        long millis = config.refreshMillis();
        if (!valid(millis)) {
            LOG.error("refreshMillis {} is out of range {}..{}; using 2000", millis, MIN_REFRESH_MILLIS,
                    MAX_REFRESH_MILLIS);
            millis = 2000;
        }
        schedule(millis);
    }

    @Modified
    synchronized void modified(Config config) {
        long millis = config.refreshMillis();
        if (!valid(millis)) {
            LOG.error("refreshMillis {} refused: out of range {}..{}; keeping {}", millis, MIN_REFRESH_MILLIS,
                    MAX_REFRESH_MILLIS, refreshMillis);
            return;
        }
        if (millis != refreshMillis) {
            periodic.cancel(false);
            schedule(millis);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the JMX refresh did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mbeans.close();
    }

    static boolean valid(long millis) {
        return millis >= MIN_REFRESH_MILLIS && millis <= MAX_REFRESH_MILLIS;
    }

    private synchronized void schedule(long millis) {
        refreshMillis = millis;
        periodic = thread.scheduleWithFixedDelay(this::refresh, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            mbeans.refresh();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the IceShare MBeans failed", e);
        }
    }

    /** A refresh soon, on the refresh thread; none once deactivated. */
    private void kick() {
        try {
            thread.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            LOG.debug("deactivated: no refresh");
        }
    }

    // ---- references (dynamic: peers and the tracker come and go while the MBeans stay)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPeer(Peer peer) {
        mbeans.addPeer(peer);
        kick();
    }

    void removePeer(Peer peer) {
        mbeans.removePeer(peer);
        kick();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setTracker(Tracker tracker) {
        mbeans.setTracker(tracker);
        kick();
    }

    void unsetTracker(Tracker tracker) {
        mbeans.unsetTracker(tracker);
        kick();
    }
}

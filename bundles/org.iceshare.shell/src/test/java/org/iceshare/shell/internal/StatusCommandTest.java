package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.testkit.FakeLiveSources;
import org.iceshare.testkit.FakeTracker;
import org.iceshare.api.transport.Transport;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code iceshare:status}'s refusals: every transport's and the push server's, by reason. */
class StatusCommandTest {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final List<Transport> transports = new ArrayList<>();

    /** A transport service that only reports refusals. */
    private static Transport transport(String name, Refusals refusals) {
        return new Transport() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Refusals refusals() {
                return refusals;
            }
        };
    }

    private static LiveSources sources(Refusals push) {
        FakeLiveSources sources = new FakeLiveSources();
        sources.pushRefusals = push;
        return sources;
    }

    @Test
    void showsEveryTransportsRefusalsAndThePushServersByReason() {
        transports.add(transport("tcp", new Refusals(Map.of(Refusals.ADDRESS_LIMIT, 968L, Refusals.SLOW_FRAME, 32L))));
        transports.add(transport("tls", new Refusals(Map.of(Refusals.TLS_HANDSHAKE, 3L))));
        StatusCommand c = command(sources(new Refusals(Map.of(Refusals.PUSH_PASSWORD, 5L, Refusals.PUSH_THROTTLED,
                295L))));
        String out = run(c);
        assertThat(out).contains("Refusals since start (1303;");
        assertThat(line(out, "tcp", "address-limit", "968")).isNotNull();
        assertThat(line(out, "tcp", "slow-frame", "32")).isNotNull();
        assertThat(line(out, "tls", "tls-handshake", "3")).isNotNull();
        assertThat(line(out, "push server", "push-password", "5")).isNotNull();
        assertThat(line(out, "push server", "push-throttled", "295")).isNotNull();
    }

    @Test
    void showsTheTrackersRefusals() {
        transports.add(transport("tcp", Refusals.NONE));
        StatusCommand c = command(null);
        FakeTracker tracker = new FakeTracker(null);
        tracker.refusals = new Refusals(Map.of("join-rate", 150L, "unfounded-report", 7L));
        c.tracker = tracker;
        String out = run(c);
        assertThat(out).contains("Refusals since start (157;");
        assertThat(line(out, "tracker", "join-rate", "150")).isNotNull();
        assertThat(line(out, "tracker", "unfounded-report", "7")).isNotNull();
    }

    @Test
    void saysSoWhenNothingWasRefused() {
        transports.add(transport("tcp", Refusals.NONE));
        String out = run(command(null));
        assertThat(out).contains("Refusals: none");
    }

    private String run(StatusCommand c) {
        console.reset();
        c.execute();
        return console.toString(StandardCharsets.UTF_8);
    }

    private static String line(String out, String... cells) {
        return out.lines().filter(l -> {
            int from = 0;
            for (String cell : cells) {
                int at = l.indexOf(cell, from);
                if (at < 0) {
                    return false;
                }
                from = at + cell.length();
            }
            return true;
        }).findFirst().orElse(null);
    }

    private StatusCommand command(LiveSources sources) {
        StatusCommand c = new StatusCommand();
        c.liveSources = sources;
        c.session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (p, m, a) -> {
                    if (m.getName().equals("getConsole")) {
                        return new PrintStream(console, true, StandardCharsets.UTF_8);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        c.bundleContext = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "getServiceReferences" -> {
                        if (Transport.class.getName().equals(a[0])) {
                            List<ServiceReference<?>> refs = new ArrayList<>();
                            for (Transport t : transports) {
                                refs.add((ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                                        new Class<?>[] {ServiceReference.class}, (rp, rm, ra) -> switch (rm.getName()) {
                                            case "hashCode" -> System.identityHashCode(rp);
                                            case "equals" -> rp == ra[0];
                                            default -> throw new UnsupportedOperationException(rm.getName());
                                        }));
                            }
                            yield refs.isEmpty() ? null : refs.toArray(new ServiceReference<?>[0]);
                        }
                        yield Collections.emptyList();
                    }
                    case "getService" -> transportOf(a[0]);
                    case "ungetService" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        refs.clear();
        return c;
    }

    private final List<Object> refs = new ArrayList<>();

    private Object transportOf(Object reference) {
        // references are handed out in the order of the transports
        refs.add(reference);
        return transports.get(refs.size() - 1);
    }
}

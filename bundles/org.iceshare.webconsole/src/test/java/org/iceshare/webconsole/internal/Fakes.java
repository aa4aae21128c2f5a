package org.iceshare.webconsole.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Small hand-made stand-ins for the servlet API and ConfigAdmin, and swarm statuses for the testkit's FakePeer. */
final class Fakes {
    private Fakes() {
    }

    // ------------------------------------------------------------------ servlet

    /** A request to the console servlet at /system/console. */
    static final class Request {
        String method = "GET";
        String pathInfo;
        final Map<String, String> headers = new HashMap<>();
        final Map<String, String> params = new HashMap<>();

        Request(String method, String pathInfo) {
            this.method = method;
            this.pathInfo = pathInfo;
        }

        Request param(String k, String v) {
            params.put(k, v);
            return this;
        }

        Request header(String k, String v) {
            headers.put(k, v);
            return this;
        }

        HttpServletRequest proxy() {
            return (HttpServletRequest) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getPathInfo" -> pathInfo;
                        case "getRequestURI" -> "/system/console" + pathInfo;
                        case "getContextPath" -> "";
                        case "getServletPath" -> "/system/console";
                        case "getHeader" -> headers.get((String) a[0]);
                        case "getParameter" -> params.get((String) a[0]);
                        case "getAttribute" -> null;
                        case "getRemoteUser" -> "karaf";
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == a[0];
                        case "toString" -> method + " " + pathInfo;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    /** What the servlet answered. */
    static final class Response {
        int status = 200;
        String contentType;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final StringWriter text = new StringWriter();

        String body() {
            return body.size() > 0 ? body.toString(StandardCharsets.UTF_8) : text.toString();
        }

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }
            };
            PrintWriter writer = new PrintWriter(text, true);
            return (HttpServletResponse) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "setStatus" -> status = (Integer) a[0];
                            case "setContentType" -> contentType = (String) a[0];
                            case "setHeader" -> headers.put((String) a[0], (String) a[1]);
                            case "setCharacterEncoding", "setContentLength" -> {
                                // recorded by the body itself
                            }
                            case "getOutputStream" -> {
                                return out;
                            }
                            case "getWriter" -> {
                                return writer;
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(p);
                            }
                            case "equals" -> {
                                return p == a[0];
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                        return null;
                    });
        }
    }

    // ------------------------------------------------------------------ ConfigAdmin

    /** One configuration store, PID to properties; null until something is stored. */
    static final class ConfigStore {
        final Map<String, Dictionary<String, Object>> byPid = new HashMap<>();
        int updates;

        ConfigurationAdmin proxy() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (p, m, a) -> switch (m.getName()) {
                        case "getConfiguration" -> configuration((String) a[0]);
                        case "listConfigurations" -> list((String) a[0]);
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private Configuration[] list(String filter) {
            List<Configuration> out = new ArrayList<>();
            for (Map.Entry<String, Dictionary<String, Object>> e : new java.util.TreeMap<>(byPid).entrySet()) {
                Object factory = e.getValue() == null ? null : e.getValue().get("service.factoryPid");
                if (filter.equals("(service.pid=" + e.getKey() + ")")
                        || factory != null && filter.equals("(service.factoryPid=" + factory + ")")) {
                    out.add(configuration(e.getKey()));
                }
            }
            return out.isEmpty() ? null : out.toArray(new Configuration[0]);
        }

        private Configuration configuration(String pid) {
            return (Configuration) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                    new Class<?>[] {Configuration.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "getProperties" -> {
                                Dictionary<String, Object> d = byPid.get(pid);
                                return d == null ? null : copy(d);
                            }
                            case "update" -> {
                                @SuppressWarnings("unchecked")
                                Dictionary<String, Object> d = (Dictionary<String, Object>) a[0];
                                byPid.put(pid, copy(d));
                                updates++;
                                return null;
                            }
                            case "getPid" -> {
                                return pid;
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }

        private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
            Hashtable<String, Object> out = new Hashtable<>();
            for (var e = d.keys(); e.hasMoreElements();) {
                String k = e.nextElement();
                out.put(k, d.get(k));
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ IceShare statuses
    // (the Peer and Tracker services themselves: org.iceshare.testkit.FakePeer and FakeTracker)

    static SwarmStatus status(ContentId id, String name, boolean source, int verified, int pieces, long up,
            long down) {
        IcetUrl url = IcetUrl.parse("icet://127.0.0.1:7740/" + name);
        return new SwarmStatus(id, url, URI.create("http://127.0.0.1:8190/content/" + id.toHex() + "/" + name), source,
                verified == pieces ? SwarmStatus.State.COMPLETE : SwarmStatus.State.DOWNLOADING, verified, pieces,
                pieces * 1000L, 1, up, down, "rarest", Map.of("rarest", 3L), "");
    }
}

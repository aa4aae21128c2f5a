package org.iceshare.webconsole.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Transport;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
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
 * The IceShare page of Karaf's web console, at {@code /system/console/iceshare}: a plain javax.servlet
 * servlet that the Felix Web Console picks up by its {@code felix.webconsole.label} and serves behind its
 * own authentication. The console wraps GET requests whose last path segment has no dot (the page) in
 * its navigation; everything else (scripts, styles, the {@code .json} endpoints, every POST) reaches
 * this servlet as is.
 *
 * <p>Paths below the plugin:
 * <ul>
 * <li>{@code GET /} the page; {@code GET /res/iceshare.js}, {@code /res/iceshare.css} its script and style</li>
 * <li>{@code GET /api/swarms.json}, {@code /api/swarm.json?content=HEX}, {@code /api/schedulers.json},
 * {@code /api/transports.json}</li>
 * <li>{@code POST /api/scheduler}, {@code /api/transport}, {@code /api/publish}, {@code /api/get}:
 * form-encoded, and only with the header {@value #CSRF_HEADER}{@code : 1}, which the page's script sends
 * and a cross-site form cannot (403 without it)</li>
 * </ul>
 *
 * <p>It depends on API services only: the peers, the tracker and the live sources (both optional), the
 * installed schedulers and transports (names only), and ConfigAdmin for the scheduler selection and the
 * peers' transport preference.
 *
 * <p><b>Threading:</b> requests run concurrently on the HTTP server's threads; SCR binds and unbinds the
 * dynamic references on its own. Everything shared is thread-safe.
 */
@Component(service = Servlet.class, configurationPid = IceShareConsolePlugin.PID, immediate = true, property = {
    "felix.webconsole.label=" + IceShareConsolePlugin.LABEL,
    "felix.webconsole.title=IceShare",
    "felix.webconsole.category=IceShare"})
@Designate(ocd = IceShareConsolePlugin.Config.class)
public final class IceShareConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IceShareConsolePlugin.class);

    static final String PID = "org.iceshare.webconsole";
    static final String LABEL = "iceshare";
    /** The header a state-changing POST must carry (with the value {@code 1}). */
    static final String CSRF_HEADER = "X-IceShare";
    static final int DEFAULT_TIMEOUT_SECONDS = 60;
    static final int DEFAULT_HISTORY_SAMPLES = 180;
    private static final Map<String, String> RESOURCES = Map.of(
            "/res/iceshare.js", "application/javascript",
            "/res/iceshare.css", "text/css");

    @ObjectClassDefinition(name = "IceShare web console",
            description = "The IceShare page of the web console (/system/console/iceshare): swarms, piece maps, "
                    + "rates, scheduler and transport selection, publish and get forms and a player.")
    public @interface Config {
        @AttributeDefinition(name = "Operation timeout", description = "Seconds the publish and get forms wait "
                + "for the peer's answer (1..600). When the time is up the page says so; the operation goes on.",
                min = "1", max = "600")
        int operationTimeoutSeconds() default 60;

        @AttributeDefinition(name = "Chart history", description = "How many samples of the upload and "
                + "download rates the chart keeps (10..3600; the page samples about once a second).",
                min = "10", max = "3600")
        int historySamples() default 180;
    }

    private final transient Services services = new Services();
    private final transient RateSampler sampler;
    private final transient ConsoleModel model;
    private final transient Actions actions;
    private final String pageTemplate;
    private final transient Map<String, byte[]> resources;
    private volatile Duration operationTimeout;

    @Activate
    public IceShareConsolePlugin(@Reference ConfigurationAdmin configAdmin, Config config) {
        boolean ok = valid(config);
        if (!ok) {
            LOG.error("invalid configuration {}: operationTimeoutSeconds must be 1..600 (got {}), historySamples "
                    + "10..3600 (got {}); using the defaults", PID, config.operationTimeoutSeconds(),
                    config.historySamples());
        }
        this.operationTimeout = Duration.ofSeconds(ok ? config.operationTimeoutSeconds() : DEFAULT_TIMEOUT_SECONDS);
        this.sampler = new RateSampler(ok ? config.historySamples() : DEFAULT_HISTORY_SAMPLES);
        SchedulerSelection selection = new SchedulerSelection(configAdmin);
        TransportSelection transportSelection = new TransportSelection(configAdmin);
        this.model = new ConsoleModel(services, sampler, selection, transportSelection);
        this.actions = new Actions(services, selection, transportSelection);
        this.pageTemplate = new String(read("res/page.html"), StandardCharsets.UTF_8);
        this.resources = Map.of("/res/iceshare.js", read("res/iceshare.js"), "/res/iceshare.css",
                read("res/iceshare.css"));
    }

    @Modified
    void modified(Config config) {
        if (!valid(config)) {
            LOG.error("refusing configuration {}: operationTimeoutSeconds must be 1..600 (got {}), historySamples "
                    + "10..3600 (got {}); keeping {} s and the current history", PID, config.operationTimeoutSeconds(),
                    config.historySamples(), operationTimeout.toSeconds());
            return;
        }
        operationTimeout = Duration.ofSeconds(config.operationTimeoutSeconds());
        sampler.historySize(config.historySamples());
    }

    /** How long publish and get wait for the peer. */
    Duration operationTimeout() {
        return operationTimeout;
    }

    static boolean valid(Config c) {
        return c.operationTimeoutSeconds() >= 1 && c.operationTimeoutSeconds() <= 600 && c.historySamples() >= 10
                && c.historySamples() <= 3600;
    }

    private static byte[] read(String resource) {
        try (InputStream in = IceShareConsolePlugin.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ references

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removePeer")
    void addPeer(Peer peer, Map<String, Object> props) {
        services.addPeer(peer, props);
    }

    void removePeer(Peer peer) {
        services.removePeer(peer);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetTracker")
    void setTracker(Tracker tracker) {
        services.setTracker(tracker);
    }

    void unsetTracker(Tracker tracker) {
        services.unsetTracker(tracker);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetLiveSources")
    void setLiveSources(LiveSources sources) {
        services.setLiveSources(sources);
    }

    void unsetLiveSources(LiveSources sources) {
        services.unsetLiveSources(sources);
    }

    /** Schedulers by their service properties only: the page never calls one. */
    @Reference(service = PieceScheduler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeScheduler", updated = "addScheduler")
    void addScheduler(ServiceReference<PieceScheduler> ref) {
        services.addScheduler(plugin(ref, PieceScheduler.NAME_PROPERTY));
    }

    void removeScheduler(ServiceReference<PieceScheduler> ref) {
        services.removeScheduler(serviceId(ref));
    }

    /** Transports by their service properties, and the service for its refusal counters (nothing else is called). */
    @Reference(service = Transport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeTransport", updated = "addTransport")
    void addTransport(ServiceReference<Transport> ref, Transport transport) {
        services.addTransport(plugin(ref, Transport.NAME_PROPERTY), transport);
    }

    void removeTransport(ServiceReference<Transport> ref) {
        services.removeTransport(serviceId(ref));
    }

    private static Services.Plugin plugin(ServiceReference<?> ref, String nameProperty) {
        Object name = ref.getProperty(nameProperty);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        return new Services.Plugin(name == null ? "(unnamed, service " + serviceId(ref) + ")" : name.toString(),
                ranking instanceof Integer i ? i : 0, serviceId(ref));
    }

    private static long serviceId(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_ID) instanceof Long l ? l : -1L;
    }

    /** For tests: the bound services. */
    Services services() {
        return services;
    }

    // ------------------------------------------------------------------ requests

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = subPath(req);
        String method = req.getMethod();
        try {
            if ("GET".equals(method)) {
                get(req, resp, path);
            } else if ("POST".equals(method)) {
                post(req, resp, path);
            } else {
                resp.setHeader("Allow", "GET, POST");
                throw new ApiException(405, method + " is not supported here; use GET or POST");
            }
        } catch (ApiException e) {
            json(resp, e.status(), Json.obj().with("error", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", method, req.getRequestURI(), e);
            json(resp, 500, Json.obj().with("error", "internal error: " + e));
        }
    }

    /** The path below the plugin: "" for the page, "/api/swarms.json", "/res/iceshare.js", ... */
    static String subPath(HttpServletRequest req) {
        String info = req.getPathInfo();
        if (info == null) {
            return "";
        }
        String prefix = "/" + LABEL;
        if (info.equals(prefix)) {
            return "";
        }
        return info.startsWith(prefix + "/") ? info.substring(prefix.length()) : info;
    }

    private void get(HttpServletRequest req, HttpServletResponse resp, String path)
            throws IOException, ApiException {
        switch (path) {
            case "", "/" -> page(req, resp);
            case "/api/swarms.json" -> json(resp, 200, model.swarms(System.nanoTime(), System.currentTimeMillis()));
            case "/api/swarm.json" -> json(resp, 200, model.swarm(req.getParameter("content"), System.nanoTime()));
            case "/api/schedulers.json" -> json(resp, 200, model.schedulers());
            case "/api/transports.json" -> json(resp, 200, model.transports());
            default -> {
                if (RESOURCES.containsKey(path)) {
                    resource(resp, path);
                } else if (isWrappedByConsole(path)) {
                    // the console already wrote its navigation around this: say so in the page
                    resp.getWriter().println("<p class='iceshare-error'>Nothing here. The IceShare page is <a href='"
                            + html(root(req)) + "'>" + html(root(req)) + "</a>; its JSON endpoints end in .json.</p>");
                } else {
                    throw ApiException.notFound("no such IceShare console resource: " + path);
                }
            }
        }
    }

    /** The console wraps a GET in its navigation when the last path segment has no dot. */
    static boolean isWrappedByConsole(String path) {
        return path.indexOf('.', path.lastIndexOf('/') + 1) < 0;
    }

    private void post(HttpServletRequest req, HttpServletResponse resp, String path)
            throws IOException, ApiException {
        if (!"1".equals(req.getHeader(CSRF_HEADER))) {
            throw new ApiException(403, "state-changing requests need the header " + CSRF_HEADER + ": 1 (the "
                    + "IceShare page sends it; a form posted from another site cannot)");
        }
        Json.Obj result = switch (path) {
            case "/api/scheduler" -> actions.scheduler(req.getParameter("kind"), req.getParameter("name"));
            case "/api/transport" -> actions.transport(req.getParameter("name"), req.getParameter("peer"));
            case "/api/publish" -> actions.publish(req.getParameter("file"), req.getParameter("name"),
                    req.getParameter("peer"), operationTimeout);
            case "/api/get" -> actions.get(req.getParameter("url"), req.getParameter("peer"), operationTimeout);
            default -> throw ApiException.notFound("no such IceShare endpoint: POST " + path);
        };
        LOG.info("web console: {} by {}: {}", path, req.getRemoteUser() == null ? "(console user)"
                : req.getRemoteUser(), result.get("message"));
        json(resp, 200, result);
    }

    private void page(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().write(pageTemplate.replace("{{root}}", html(root(req))));
    }

    /** The plugin's URL path, for example {@code /system/console/iceshare}. */
    static String root(HttpServletRequest req) {
        Object attr = req.getAttribute("felix.webconsole.pluginRoot");
        if (attr != null) {
            return attr.toString();
        }
        return req.getContextPath() + req.getServletPath() + "/" + LABEL;
    }

    private void resource(HttpServletResponse resp, String path) throws IOException {
        byte[] body = resources.get(path);
        resp.setStatus(200);
        resp.setContentType(RESOURCES.get(path));
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    static String html(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

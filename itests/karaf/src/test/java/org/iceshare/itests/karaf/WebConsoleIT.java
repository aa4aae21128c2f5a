package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * The IceShare page of the web console, in the running distribution.
 *
 * <ul>
 * <li>Without credentials the page and its JSON endpoints answer 401, as the rest of the console
 * does; with them, a POST without the {@code X-IceShare: 1} header is refused (403) and bad input gets
 * 400 with a message.</li>
 * <li>In headless Chromium (Debian's, driven by playwright-core from {@code target/browser}): open the
 * page with the credentials in its URL ({@code http://karaf:karaf@127.0.0.1:PORT/...}) in a browser that
 * has no others, at a 1400x900 window, and see the swarms listed (issue 9: the page's requests used to
 * carry the URL's credentials, which fetch() refuses, so it showed "No swarms yet") and the swarm
 * detail's peers table inside its column and the page (it used to spill out at 1400 px); then log in,
 * see a swarm moving (the default peer publishes a real Ogg Vorbis file with its upload capped, a
 * second peer fetches it), switch the file scheduler from the page and find the switch in the
 * configuration (and in {@code iceshare:scheduler} where the shell has it), play the content in the
 * page's player at the peer still downloading it (its local HTTP endpoint streams what the swarm
 * brings, and fetches ahead of the player) until its currentTime advances, and save a screenshot in
 * {@code target/screenshots/webconsole.png}.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleIT extends IceShareTestSupport {
    private static final String USER = "karaf";
    private static final String PASSWORD = "karaf";
    private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(4);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        long size;
        try {
            media = TestMedia.vorbis(300, 6);
            size = Files.size(media);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // One copy takes about 150 s at this rate: the swarm is still moving while the browser looks.
        long uploadRate = Math.max(16_384, size / 150);
        return new Option[] {composite(super.config()),
            editConfigurationFilePut("etc/org.iceshare.peer-default.cfg", "uploadRate", Long.toString(uploadRate)),
            // pieces of 2 s of audio: the player at the downloading peer waits for small pieces
            editConfigurationFilePut("etc/org.iceshare.media.ogg.cfg", "pieceDuration", "2000"),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

    // ------------------------------------------------------------------ acceptance 5: authentication

    @Test
    public void withoutCredentialsThePageAndTheJsonGet401() throws Exception {
        awaitPlugin();
        String content = ContentId.random().toHex();
        for (String path : List.of("", "/api/swarms.json", "/api/swarm.json?content=" + content,
                "/api/schedulers.json", "/api/transports.json", "/res/iceshare.js")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(plugin(path)).GET(), false);
            assertEquals("GET " + path + " without credentials", 401, r.statusCode());
            assertTrue("GET " + path + " asks for Basic credentials: " + r.headers().map(),
                    r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        }
        for (String path : List.of("/api/scheduler", "/api/publish", "/api/get")) {
            HttpResponse<String> r = send(post(path, Map.of("name", "sequential")).header("X-IceShare", "1"), false);
            assertEquals("POST " + path + " without credentials", 401, r.statusCode());
        }
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(plugin("/api/swarms.json"))
                .header("Authorization", basic(USER, "wrong")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a wrong password", 401, wrong.statusCode());

        HttpResponse<String> page = send(HttpRequest.newBuilder(plugin("")).GET(), true);
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("id=\"iceshare-swarms\""));
        HttpResponse<String> swarms = send(HttpRequest.newBuilder(plugin("/api/swarms.json")).GET(), true);
        assertEquals(200, swarms.statusCode());
        assertTrue(swarms.headers().firstValue("Content-Type").orElse(""), swarms.headers()
                .firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(swarms.body(), swarms.body().contains("\"name\":\"default\""));
        // the refusals of every transport, from the transports' bundles through Transport.refusals()
        assertTrue(swarms.body(), swarms.body().contains("\"refusals\":{\"total\":"));
        assertTrue(swarms.body(), swarms.body().contains("\"tcp\":{") && swarms.body().contains("\"tls\":{"));
        assertTrue(page.body(), page.body().contains("id=\"iceshare-refusals\""));
    }

    @Test
    public void postsNeedTheIceShareHeaderAndValidInput() throws Exception {
        awaitPlugin();
        String before = schedulerName();

        HttpResponse<String> noHeader = send(post("/api/scheduler", Map.of("name", "sequential")), true);
        assertEquals("a POST without X-IceShare: 1 (a form from another site)", 403, noHeader.statusCode());
        assertTrue(noHeader.body(), noHeader.body().contains("X-IceShare: 1"));
        assertEquals("nothing changed", before, schedulerName());

        HttpResponse<String> unknown = send(post("/api/scheduler", Map.of("name", "no-such-scheduler"))
                .header("X-IceShare", "1"), true);
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body(), unknown.body().contains("unknown scheduler 'no-such-scheduler'; installed: ["));
        assertEquals("nothing changed", before, schedulerName());

        HttpResponse<String> badUrl = send(post("/api/get", Map.of("url", "http://example.org/x.ogg"))
                .header("X-IceShare", "1"), true);
        assertEquals(400, badUrl.statusCode());
        assertTrue(badUrl.body(), badUrl.body().contains("not an icet:// URL"));

        HttpResponse<String> relative = send(post("/api/publish", Map.of("file", "media/x.ogg"))
                .header("X-IceShare", "1"), true);
        assertEquals(400, relative.statusCode());
        assertTrue(relative.body(), relative.body().contains("absolute path"));

        HttpResponse<String> badContent = send(HttpRequest.newBuilder(plugin("/api/swarm.json?content=xyz")).GET(),
                true);
        assertEquals(400, badContent.statusCode());
    }

    // ------------------------------------------------------------------ acceptance 4: the browser

    @Test
    public void anOperatorWatchesASwarmSwitchesTheSchedulerAndPlaysInHeadlessChromium() throws Exception {
        Path browserDir = Path.of(requiredProperty("iceshare.browser.dir"));
        Path script = browserDir.resolve("webconsole-test.mjs");
        Path chromium = Path.of(System.getProperty("iceshare.chromium", "/usr/bin/chromium"));
        assertTrue(script + " is missing: run the tests through Maven, which copies src/test/browser there",
                Files.isRegularFile(script));
        assertTrue("playwright-core is not installed in " + browserDir + ": Maven runs 'npm ci' there in "
                + "pre-integration-test", Files.isDirectory(browserDir.resolve("node_modules/playwright-core")));
        assertTrue(chromium + " is missing: install Debian's chromium (.ci/install-tools.sh)",
                Files.isExecutable(chromium));
        awaitPlugin();

        // the swarm: the default peer publishes (upload capped), a second peer fetches
        Path media = Path.of(requiredProperty("iceshare.itest.vorbis"));
        Peer publisher = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        IcetUrl url = publisher.publish(media, "webconsole.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Peer leech = createPeer("leech", Map.of());
        ContentId content = leech.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
        waitUntil("pieces reach the leech", () -> leech.swarm(content).map(SwarmStatus::verified).orElse(0) > 0);
        assertEquals("still moving when the browser starts", SwarmStatus.State.DOWNLOADING,
                leech.swarm(content).orElseThrow().state());

        String before = schedulerName();
        List<String> installed = schedulerNames();
        String target = installed.stream().filter(n -> !n.equals(before))
                .filter(n -> n.equals("sequential") || n.equals("rarest")).findFirst()
                .orElseGet(() -> installed.stream().filter(n -> !n.equals(before)).findFirst().orElseThrow());

        Path screenshots = Path.of(requiredProperty("iceshare.screenshots.dir"));
        Files.createDirectories(screenshots);
        Path screenshot = screenshots.resolve("webconsole.png");
        Files.deleteIfExists(screenshot);
        Path log = screenshots.resolve("webconsole-test.log");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("iceshare.node", "node"), script.toString())
                .directory(browserDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("ICESHARE_CONSOLE_URL", plugin("").toString());
        env.put("ICESHARE_USER", USER);
        env.put("ICESHARE_PASSWORD", PASSWORD);
        env.put("ICESHARE_SCHEDULER", target);
        env.put("ICESHARE_PLAY_PEER", leech.name());
        env.put("ICESHARE_SCREENSHOT", screenshot.toString());
        env.put("ICESHARE_PROFILE_DIR", browserDir.resolve("profiles").toString());
        env.put("CHROMIUM", chromium.toString());
        Process browser = pb.start();
        if (!browser.waitFor(BROWSER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            browser.destroyForcibly();
            fail("the browser test did not finish within " + BROWSER_TIMEOUT + ":\n" + read(log));
        }
        String output = read(log);
        assertEquals("the browser test failed:\n" + output, 0, browser.exitValue());
        assertTrue(output, output.contains("\"steps\":[\"credentials-in-url\",\"layout-1400\",\"login\","
                + "\"refusals\",\"moving\",\"scheduler\",\"player\"]"));

        // the switch made in the page is the container's selection
        waitUntil("file scheduler " + target + " configured", () -> target.equals(schedulerName()));
        if (commandRegistered("iceshare", "scheduler")) {
            String shown = executeCommand("iceshare:scheduler");
            String files = shown.lines().filter(l -> l.strip().startsWith("Files:")).findFirst().orElse(shown);
            assertTrue("iceshare:scheduler shows " + target + " for files:\n" + shown, files.contains(target));
        }
        // The page's player plays the content at the leech, so while the leech still downloads, its swarm runs
        // the streaming scheduler (a file played as it arrives), not the file scheduler just switched. (This
        // used to wait for the leech to use the file scheduler or stop downloading: only the end of the capped
        // download, about two minutes, could end it. That a file scheduler switch reaches running transfers is
        // asserted by StatsIT's schedulersAreListedAndSelectedAtRunTime and CustomSchedulerIT's
        // threeSwitchesDuringOneTransferIncludingAHotDeployedScheduler.)
        SwarmStatus leeching = leech.swarm(content).orElseThrow();
        if (leeching.state() == SwarmStatus.State.DOWNLOADING) {
            assertEquals("the leech's swarm, played in the page, uses the streaming scheduler: " + leeching,
                    streamingSchedulerName(), leeching.scheduler());
        }

        assertTrue("screenshot " + screenshot, Files.isRegularFile(screenshot));
        byte[] png = Files.readAllBytes(screenshot);
        assertTrue("a PNG of the page, " + png.length + " bytes", png.length > 10_000 && png[1] == 'P'
                && png[2] == 'N' && png[3] == 'G');
    }

    // ------------------------------------------------------------------ helpers

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        assertTrue("system property " + name + " is not set: run the tests through Maven (mvn verify)",
                value != null && !value.isBlank());
        return value;
    }

    private static URI plugin(String path) {
        return URI.create("http://127.0.0.1:" + port("http") + "/system/console/iceshare" + path);
    }

    /** The console registers the plugin once the bundle's component is up. */
    private void awaitPlugin() {
        waitUntil("the IceShare console page answers", () -> {
            try {
                return send(HttpRequest.newBuilder(plugin("/api/schedulers.json")).GET(), true).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private HttpResponse<String> send(HttpRequest.Builder request, boolean authenticated)
            throws IOException, InterruptedException {
        if (authenticated) {
            request.header("Authorization", basic(USER, PASSWORD));
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(plugin(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The file scheduler named by configuration PID org.iceshare.scheduler (the core's default: rarest). */
    private String schedulerName() throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations(
                "(service.pid=org.iceshare.scheduler)");
        Dictionary<String, Object> props = found == null ? null : found[0].getProperties();
        Object name = props == null ? null : props.get("name");
        return name == null ? "rarest" : name.toString();
    }

    /** The streaming scheduler named by configuration PID org.iceshare.scheduler (the core's default: deadline). */
    private String streamingSchedulerName() throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations(
                "(service.pid=org.iceshare.scheduler)");
        Dictionary<String, Object> props = found == null ? null : found[0].getProperties();
        Object name = props == null ? null : props.get("streaming");
        return name == null ? PieceScheduler.DEFAULT_STREAMING : name.toString();
    }

    private List<String> schedulerNames() throws Exception {
        List<String> names = new ArrayList<>();
        for (ServiceReference<PieceScheduler> r : bundleContext.getServiceReferences(PieceScheduler.class, null)) {
            Object name = r.getProperty(PieceScheduler.NAME_PROPERTY);
            if (name != null) {
                names.add(name.toString());
            }
        }
        return names;
    }

    private boolean commandRegistered(String scope, String name) {
        return sessionFactory.getRegistry().getCommands().stream()
                .anyMatch(c -> scope.equals(c.getScope()) && name.equals(c.getName()));
    }

    private static String read(Path log) throws IOException {
        return Files.isRegularFile(log) ? Files.readString(log) : "(no output)";
    }
}

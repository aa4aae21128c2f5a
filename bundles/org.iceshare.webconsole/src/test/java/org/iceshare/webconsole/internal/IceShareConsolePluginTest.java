package org.iceshare.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.iceshare.testkit.FakeLiveSources;
import org.iceshare.testkit.FakePeer;
import org.iceshare.testkit.FakeTracker;
import org.iceshare.webconsole.internal.Fakes.ConfigStore;
import org.iceshare.webconsole.internal.Fakes.Request;
import org.iceshare.webconsole.internal.Fakes.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

class IceShareConsolePluginTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private final ConfigStore store = new ConfigStore();
    /** Refuses by default, as a peer does a file that is no media or a name its tracker does not know. */
    private final FakePeer peer = new FakePeer("default").onPublish(FakePeer.refused("not an Ogg stream"))
            .onGet(url -> FakePeer.refused("no content named " + url.name()));
    private final FakeTracker tracker = new FakeTracker();
    private final ContentId content = ContentId.random();
    private IceShareConsolePlugin plugin;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        Hashtable<String, Object> selection = new Hashtable<>();
        selection.put("name", "rarest");
        selection.put("streaming", "deadline");
        selection.put("felix.fileinstall.filename", "file:/karaf/etc/org.iceshare.scheduler.cfg");
        store.byPid.put("org.iceshare.scheduler", selection);
        store.updates = 0;
        plugin = new IceShareConsolePlugin(store.proxy(), config(60, 180));
        plugin.addPeer(peer, Map.of("name", "default"));
        plugin.setTracker(tracker);
        plugin.addScheduler(scheduler("rarest", 1L, 0));
        plugin.addScheduler(scheduler("sequential", 2L, 0));
        plugin.addScheduler(scheduler("deadline", 3L, -10));
    }

    // ------------------------------------------------------------------ POST: CSRF and validation

    @Test
    void aPostWithoutTheIceShareHeaderIsRefusedAndChangesNothing() throws Exception {
        Response r = call(new Request("POST", "/iceshare/api/scheduler").param("name", "sequential"));
        assertThat(r.status).isEqualTo(403);
        assertThat(r.body()).contains("X-IceShare: 1");
        r = call(new Request("POST", "/iceshare/api/scheduler").param("name", "sequential").header("X-IceShare", "yes"));
        assertThat(r.status).isEqualTo(403);
        assertThat(store.updates).isZero();
        assertThat(call(new Request("POST", "/iceshare/api/get").param("url", "icet://h/x.ogg")).status).isEqualTo(403);
        assertThat(peer.calls).isEmpty();
    }

    @Test
    void anUnknownSchedulerIsRefusedWithTheInstalledNames() throws Exception {
        Response r = post("/iceshare/api/scheduler", "name", "nope");
        assertThat(r.status).isEqualTo(400);
        assertThat(r.contentType).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"error\":\"unknown scheduler 'nope'; installed: [rarest, sequential, deadline]\"}");
        assertThat(post("/iceshare/api/scheduler", "name", "").status).isEqualTo(400);
        assertThat(post("/iceshare/api/scheduler", "name", "rarest", "kind", "video").status).isEqualTo(400);
        assertThat(store.updates).isZero();
    }

    @Test
    void selectingASchedulerUpdatesOnlyItsKeyOfTheConfiguration() throws Exception {
        Response r = post("/iceshare/api/scheduler", "name", "sequential");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body()).contains("\"file\":\"sequential\"", "\"streaming\":\"deadline\"",
                "file scheduler is now sequential");
        var props = store.byPid.get("org.iceshare.scheduler");
        assertThat(props.get("name")).isEqualTo("sequential");
        assertThat(props.get("streaming")).isEqualTo("deadline");
        assertThat(props.get("felix.fileinstall.filename")).isEqualTo("file:/karaf/etc/org.iceshare.scheduler.cfg");

        assertThat(post("/iceshare/api/scheduler", "name", "rarest", "kind", "streaming").status).isEqualTo(200);
        assertThat(store.byPid.get("org.iceshare.scheduler").get("streaming")).isEqualTo("rarest");

        Response list = call(new Request("GET", "/iceshare/api/schedulers.json"));
        assertThat(list.body()).contains("\"file\":\"sequential\"", "\"streaming\":\"rarest\"",
                "{\"name\":\"rarest\",\"ranking\":0},{\"name\":\"sequential\",\"ranking\":0},"
                        + "{\"name\":\"deadline\",\"ranking\":-10}");
    }

    @Test
    void schedulersShowTheCoreDefaultsWithoutAConfiguration() throws Exception {
        store.byPid.clear();
        assertThat(call(new Request("GET", "/iceshare/api/schedulers.json")).body())
                .contains("\"file\":\"rarest\"", "\"streaming\":\"deadline\"");
    }

    @Test
    void getRefusesABadUrlAndReportsThePeersAnswer() throws Exception {
        Response bad = post("/iceshare/api/get", "url", "http://example.org/x.ogg");
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.body()).contains("not an icet:// URL");
        assertThat(post("/iceshare/api/get", "url", "").status).isEqualTo(400);
        assertThat(post("/iceshare/api/get", "url", "icet://127.0.0.1/a/b").status).isEqualTo(400);
        assertThat(post("/iceshare/api/get", "url", "icet://127.0.0.1:7740/x.ogg", "peer", "nobody").body())
                .contains("no peer named 'nobody'");
        assertThat(peer.calls).isEmpty();

        Response refused = post("/iceshare/api/get", "url", "icet://127.0.0.1:7740/missing.ogg");
        assertThat(refused.status).isEqualTo(422);
        assertThat(refused.body()).contains("no content named missing.ogg");

        SwarmStatus joined = Fakes.status(content, "show.ogg", false, 0, 10, 0, 0);
        peer.onGet(CompletableFuture.completedFuture(joined));
        Response ok = post("/iceshare/api/get", "url", "icet://127.0.0.1:7740/show.ogg");
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.body()).contains("\"playerUrl\":\"http://127.0.0.1:8190/content/" + content.toHex()
                + "/show.ogg\"", "\"content\":\"" + content.toHex() + "\"");
    }

    @Test
    void publishChecksThePathAndTheNameBeforeThePeerSeesThem() throws Exception {
        assertThat(post("/iceshare/api/publish", "file", "").status).isEqualTo(400);
        assertThat(post("/iceshare/api/publish", "file", "relative/show.ogg").body()).contains("absolute path");
        assertThat(post("/iceshare/api/publish", "file", dir.resolve("missing.ogg").toString()).body())
                .contains("no such file on the server");
        assertThat(post("/iceshare/api/publish", "file", dir.toString()).status).isEqualTo(400);
        Path file = Files.write(dir.resolve("show.ogg"), new byte[] {1, 2, 3});
        assertThat(post("/iceshare/api/publish", "file", file.toString(), "name", "bad name!").body())
                .contains("content name may hold only");
        assertThat(peer.calls).isEmpty();

        Response refused = post("/iceshare/api/publish", "file", file.toString());
        assertThat(refused.status).isEqualTo(422);
        assertThat(refused.body()).isEqualTo("{\"error\":\"not an Ogg stream\"}");

        peer.onPublish(CompletableFuture.completedFuture(IcetUrl.parse("icet://127.0.0.1:7740/radio.ogg")));
        Response ok = post("/iceshare/api/publish", "file", file.toString(), "name", "radio.ogg");
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.body()).contains("\"url\":\"icet://127.0.0.1:7740/radio.ogg\"");
        assertThat(peer.calls).containsExactly("publish " + file + " null", "publish " + file + " radio.ogg");
    }

    @Test
    void withSeveralPeersAndNoDefaultThePeerMustBeNamed() throws Exception {
        plugin.removePeer(peer);
        Path file = Files.write(dir.resolve("show.ogg"), new byte[] {1});
        assertThat(post("/iceshare/api/publish", "file", file.toString()).status).isEqualTo(409);
        plugin.addPeer(new FakePeer("a"), Map.of());
        plugin.addPeer(new FakePeer("b"), Map.of());
        assertThat(post("/iceshare/api/publish", "file", file.toString()).body())
                .contains("several peers run; choose one with 'peer': [a, b]");
    }

    // ------------------------------------------------------------------ GET

    @Test
    void swarmsCarryRatesFromSuccessiveSamplesAndTheSourceUploadFactor() {
        FakePeer leech = new FakePeer("leech");
        plugin.addPeer(leech, Map.of());
        peer.swarms.add(Fakes.status(content, "show.ogg", true, 10, 10, 0, 0));
        leech.swarms.add(Fakes.status(content, "show.ogg", false, 2, 10, 0, 2000));
        tracker.contents.add(new TrackedContent(content, "show.ogg", 10_000, 10, 2, 1, 5000, 5000));
        ConsoleModel model = model();

        model.swarms(0, 1000);
        peer.swarms.set(0, Fakes.status(content, "show.ogg", true, 10, 10, 3000, 0));
        leech.swarms.set(0, Fakes.status(content, "show.ogg", false, 5, 10, 0, 5000));
        String json = Json.write(model.swarms(S, 2000));

        assertThat(json).contains("\"peer\":\"default\"", "\"peer\":\"leech\"", "\"upRate\":3000",
                "\"downRate\":3000", "\"sourceUploadFactor\":0.5", "\"swarmPeers\":2",
                "\"rates\":{\"up\":3000,\"down\":3000}", "\"history\":[[1000,0,0],[2000,3000,3000]]",
                "\"tracker\":{\"address\":\"127.0.0.1:7740\"", "\"liveSources\":null");
    }

    @Test
    void aLiveSwarmShowsTheLiveSourcesUploadFactorAndItsContinuity() {
        IcetUrl url = IcetUrl.parse("icet://127.0.0.1:7740/radio");
        SwarmStatus.Quality quality = new SwarmStatus.Quality(0.95, 20, 1, 800, 300, 900, true, 1200);
        peer.swarms.add(new SwarmStatus(content, url, URI.create("http://127.0.0.1:8190/live/radio"), true,
                SwarmStatus.State.LIVE, 8, 10, -1, 2, 50_000, 0, "deadline", Map.of(), "", true, quality));
        FakeLiveSources sources = new FakeLiveSources();
        sources.streams.add(new LiveStreamInfo("radio", url, "file:/srv/radio.ogg", true, 100_000, 50_000, 40, 0));
        plugin.setLiveSources(sources);
        String json = Json.write(model().swarms(0, 1000));
        assertThat(json).contains("\"live\":true", "\"played\":true", "\"sourceUploadFactor\":0.5",
                "\"continuity\":0.95", "\"piecesLate\":1", "\"liveSources\":[{\"name\":\"radio\"");
    }

    @Test
    void swarmsJsonCarriesTheRefusalsOfEveryTransportAndOfThePushServer() throws Exception {
        addTransports(new Refusals(Map.of(Refusals.ADDRESS_LIMIT, 968L, Refusals.SLOW_FRAME, 32L)), Refusals.NONE);
        String json = Json.write(model().swarms(0, 1000));
        assertThat(json).contains("\"refusals\":{\"total\":1000,\"transports\":{\"tcp\":{\"address-limit\":968,"
                + "\"slow-frame\":32},\"tls\":{}},\"push\":null,\"tracker\":{}}");
        tracker.refusals = new Refusals(Map.of("join-rate", 150L));
        assertThat(Json.write(model().swarms(0, 1000))).contains("\"total\":1150,").contains(
                "\"tracker\":{\"join-rate\":150}");
        tracker.refusals = Refusals.NONE;

        FakeLiveSources sources = new FakeLiveSources();
        sources.pushRefusals = new Refusals(Map.of(Refusals.PUSH_PASSWORD, 5L, Refusals.PUSH_THROTTLED, 295L));
        plugin.setLiveSources(sources);
        Response r = call(new Request("GET", "/api/swarms.json"));
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body()).contains("\"refusals\":{\"total\":1300,").contains(
                "\"push\":{\"push-password\":5,\"push-throttled\":295}");

        plugin.removeTransport(reference(Map.of(Constants.SERVICE_ID, 9L)));
        assertThat(Json.write(model().swarms(0, 2000))).contains("\"transports\":{\"tls\":{}}");
    }

    @Test
    void oneSwarmShowsAvailabilityAndTheTrackersPeersWithRates() throws Exception {
        FakePeer leech = new FakePeer("leech");
        plugin.addPeer(leech, Map.of());
        tracker.contents.add(new TrackedContent(content, "show.ogg", 4000, 4, 2, 1, 1000, 1000));
        tracker.availability.put(content, new int[] {2, 1, 1, 0});
        tracker.peers.put(content, List.of(
                new TrackedPeer(peer.id(), "127.0.0.1:7741", true, 4, 1000, 0, Double.POSITIVE_INFINITY, false),
                new TrackedPeer(leech.id(), "127.0.0.1:7742", false, 1, 0, 1000, 0.0, false)));
        ConsoleModel model = model();
        model.swarm(content.toHex(), 0);
        tracker.peers.put(content, List.of(
                new TrackedPeer(peer.id(), "127.0.0.1:7741", true, 4, 3000, 0, Double.POSITIVE_INFINITY, false),
                new TrackedPeer(leech.id(), "127.0.0.1:7742", false, 3, 0, 3000, 0.0, true)));
        String json = Json.write(model.swarm(content.toHex(), 2 * S));
        assertThat(json).contains("\"availability\":[2,1,1,0]", "\"pieces\":4", "\"local\":\"default\"",
                "\"local\":\"leech\"", "\"ratio\":null", "\"banned\":true", "\"upRate\":1000", "\"downRate\":1000");

        Response bad = call(new Request("GET", "/iceshare/api/swarm.json").param("content", "xyz"));
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.body()).contains("32 hex digits");
        Response unknown = call(new Request("GET", "/iceshare/api/swarm.json").param("content",
                ContentId.random().toHex()));
        assertThat(unknown.status).isEqualTo(404);
    }

    // ------------------------------------------------------------------ transports

    @Test
    void transportsShowEachPeersPreferenceEndpointsAndConnectionsPerTransport() throws Exception {
        addTransports();
        peerConfig("default", null);
        peerConfig("second", "tls, tcp");
        peerConfig("third", "quic,tcp");
        peer.endpoints.addAll(List.of(new Endpoint("tcp", 7741), new Endpoint("tls", 7751)));
        PeerId other = PeerId.random();
        peer.connections.addAll(List.of(connection(null, "tcp"), connection(other, "tcp"), connection(other, "tls")));
        FakePeer second = new FakePeer("second");
        second.endpoints.addAll(List.of(new Endpoint("tls", 7752), new Endpoint("tcp", 7742)));
        plugin.addPeer(second, Map.of("name", "second"));
        plugin.addPeer(new FakePeer("unconfigured"), Map.of("name", "unconfigured", "transports", "tls"));

        Response r = call(new Request("GET", "/iceshare/api/transports.json"));

        assertThat(r.status).isEqualTo(200);
        assertThat(r.body()).contains(
                "\"installed\":[{\"name\":\"tcp\",\"ranking\":100},{\"name\":\"tls\",\"ranking\":50}]",
                "\"first\":null",
                "{\"peer\":\"default\",\"preference\":[\"tcp\",\"tls\"],\"inEffect\":\"tcp\",\"notInstalled\":[],"
                        + "\"running\":true,\"endpoints\":[{\"transport\":\"tcp\",\"port\":7741},"
                        + "{\"transport\":\"tls\",\"port\":7751}],\"connections\":{\"tcp\":2,\"tls\":1}}",
                "{\"peer\":\"second\",\"preference\":[\"tls\",\"tcp\"],\"inEffect\":\"tls\"",
                "\"connections\":{}}",
                "{\"peer\":\"third\",\"preference\":[\"quic\",\"tcp\"],\"inEffect\":\"tcp\","
                        + "\"notInstalled\":[\"quic\"],\"running\":false,\"endpoints\":null,\"connections\":null}",
                "{\"peer\":\"unconfigured\",\"preference\":[\"tls\"]",
                "\"tracker\":{\"address\":\"127.0.0.1:7740\",\"transports\":[\"tcp\",\"tls\"]}",
                "\"key\":\"transports\"", "\"default\":\"tcp,tls\"", "\"switchable\":true");
        assertThat(store.updates).isZero();

        store.byPid.clear();
        plugin.unsetTracker(tracker);
        String alone = call(new Request("GET", "/iceshare/api/transports.json")).body();
        assertThat(alone).contains("{\"peer\":\"default\",\"preference\":[\"tcp\",\"tls\"]", "\"tracker\":null");
    }

    @Test
    void selectingATransportPutsItFirstInEveryPeersPreferenceAndWritesOnlyThatKey() throws Exception {
        addTransports();
        peerConfig("default", null);
        peerConfig("second", "tcp,tls");
        peerConfig("third", "tls,tcp");
        store.updates = 0;

        Response r = post("/iceshare/api/transport", "name", "tls");

        assertThat(r.status).isEqualTo(200);
        assertThat(r.body()).contains("\"changed\":2",
                "{\"peer\":\"default\",\"before\":\"tcp,tls\",\"after\":\"tls,tcp\",\"changed\":true}",
                "{\"peer\":\"third\",\"before\":\"tls,tcp\",\"after\":\"tls,tcp\",\"changed\":false}",
                "tls is now the first transport of default (now tls,tcp, was tcp,tls), second (now tls,tcp, was "
                        + "tcp,tls); open "
                        + "connections carry on and finish their pieces, new connections use tls where the other "
                        + "side has it too");
        assertThat(store.updates).isEqualTo(2);
        var props = store.byPid.get("org.iceshare.peer~default");
        assertThat(props.get("transports")).isEqualTo("tls,tcp");
        assertThat(props.get("port")).isEqualTo(7741);
        assertThat(props.get("felix.fileinstall.filename")).isEqualTo("file:/karaf/etc/org.iceshare.peer-default.cfg");
        assertThat(store.byPid.get("org.iceshare.peer~second").get("transports")).isEqualTo("tls,tcp");
        assertThat(call(new Request("GET", "/iceshare/api/transports.json")).body()).contains("\"first\":\"tls\"");

        Response again = post("/iceshare/api/transport", "name", "tls");
        assertThat(again.body()).contains("\"changed\":0", "tls is already the first transport of every peer; "
                + "nothing written");
        assertThat(store.updates).isEqualTo(2);

        Response one = post("/iceshare/api/transport", "name", "tcp", "peer", "second");
        assertThat(one.status).isEqualTo(200);
        assertThat(one.body()).contains("\"changed\":1", "tcp is now the first transport of second");
        assertThat(store.byPid.get("org.iceshare.peer~second").get("transports")).isEqualTo("tcp,tls");
        assertThat(store.byPid.get("org.iceshare.peer~default").get("transports")).isEqualTo("tls,tcp");
        assertThat(store.updates).isEqualTo(3);
    }

    @Test
    void aTransportChangeNeedsTheHeaderAnInstalledNameAndAKnownPeer() throws Exception {
        addTransports();
        peerConfig("default", null);
        store.updates = 0;

        Response noHeader = call(new Request("POST", "/iceshare/api/transport").param("name", "tls"));
        assertThat(noHeader.status).isEqualTo(403);
        Response unknown = post("/iceshare/api/transport", "name", "quic");
        assertThat(unknown.status).isEqualTo(400);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"unknown transport 'quic'; installed: [tcp, tls]\"}");
        assertThat(post("/iceshare/api/transport", "name", " ").status).isEqualTo(400);
        Response nobody = post("/iceshare/api/transport", "name", "tls", "peer", "nobody");
        assertThat(nobody.status).isEqualTo(400);
        assertThat(nobody.body()).contains("no peer configuration named 'nobody'; peers: [default]");
        assertThat(store.updates).isZero();

        store.byPid.remove("org.iceshare.peer~default");
        assertThat(post("/iceshare/api/transport", "name", "tls").status).isEqualTo(409);
    }

    @Test
    void theSwarmsPeersShowTheTransportsOfTheLocalConnectionsToThem() throws Exception {
        FakePeer leech = new FakePeer("leech");
        plugin.addPeer(leech, Map.of());
        PeerId remote = PeerId.random();
        leech.connections.addAll(List.of(connection(peer.id(), "tls"), connection(null, "tcp")));
        peer.connections.addAll(List.of(connection(leech.id(), "tls"), connection(remote, "tcp"),
                connection(remote, "tls")));
        tracker.contents.add(new TrackedContent(content, "show.ogg", 4000, 4, 3, 1, 1000, 1000));
        tracker.availability.put(content, new int[] {3, 2, 1, 1});
        tracker.peers.put(content, List.of(
                new TrackedPeer(peer.id(), "127.0.0.1:7741", true, 4, 1000, 0, Double.POSITIVE_INFINITY, false),
                new TrackedPeer(leech.id(), "127.0.0.1:7742", false, 1, 0, 1000, 0.0, false),
                new TrackedPeer(remote, "10.0.0.9:7741", false, 2, 0, 0, 0.0, false),
                new TrackedPeer(PeerId.random(), "10.0.0.8:7741", false, 0, 0, 0, 0.0, false)));

        String json = Json.write(model().swarm(content.toHex(), 0));

        assertThat(json).contains("\"local\":\"default\",\"address\":\"127.0.0.1:7741\",\"transports\":[\"tls\"]",
                "\"local\":\"leech\",\"address\":\"127.0.0.1:7742\",\"transports\":[\"tls\"]",
                "\"address\":\"10.0.0.9:7741\",\"transports\":[\"tcp\",\"tls\"]",
                "\"address\":\"10.0.0.8:7741\",\"transports\":[]");
    }

    @Test
    void thePageAndItsResourcesAreServedFromTheBundle() throws Exception {
        Response page = call(new Request("GET", "/iceshare"));
        assertThat(page.body()).contains("data-root=\"/system/console/iceshare\"",
                "<script src=\"/system/console/iceshare/res/iceshare.js\"></script>", "id=\"iceshare-scheduler-file\"",
                "<audio id=\"iceshare-audio\"", "<select id=\"iceshare-transport\">",
                "id=\"iceshare-transport-peer\"");
        Response js = call(new Request("GET", "/iceshare/res/iceshare.js"));
        assertThat(js.status).isEqualTo(200);
        assertThat(js.contentType).isEqualTo("application/javascript");
        assertThat(js.body()).contains("'X-IceShare': '1'", "post('transport', params)");
        assertThat(call(new Request("GET", "/iceshare/res/iceshare.css")).contentType).isEqualTo("text/css");
        assertThat(call(new Request("GET", "/iceshare/res/page.html")).status).isEqualTo(404);
        assertThat(call(new Request("GET", "/iceshare/res/../../x.json")).status).isEqualTo(404);
        assertThat(call(new Request("GET", "/iceshare/api/swarms")).body()).contains("end in .json");
        assertThat(call(new Request("PUT", "/iceshare/api/scheduler")).status).isEqualTo(405);
    }

    @Test
    void anInvalidConfigurationIsRefusedAndTheOldOneKept() {
        plugin.modified(config(5, 180));
        assertThat(plugin.operationTimeout()).hasSeconds(5);
        plugin.modified(config(0, 180));
        assertThat(plugin.operationTimeout()).hasSeconds(5);
        plugin.modified(config(30, 5));
        assertThat(plugin.operationTimeout()).hasSeconds(5);
        assertThat(IceShareConsolePlugin.valid(config(600, 3600))).isTrue();
        assertThat(new IceShareConsolePlugin(store.proxy(), config(601, 180)).operationTimeout()).hasSeconds(60);
    }

    @Test
    void theConsoleWrapsOnlyPathsWithoutADotInTheirLastSegment() {
        assertThat(IceShareConsolePlugin.isWrappedByConsole("")).isTrue();
        assertThat(IceShareConsolePlugin.isWrappedByConsole("/api/swarms")).isTrue();
        assertThat(IceShareConsolePlugin.isWrappedByConsole("/api/swarms.json")).isFalse();
        assertThat(IceShareConsolePlugin.isWrappedByConsole("/res.d/x")).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private ConsoleModel model() {
        return new ConsoleModel(plugin.services(), new RateSampler(10), new SchedulerSelection(store.proxy()),
                new TransportSelection(store.proxy()));
    }

    private void addTransports() {
        addTransports(Refusals.NONE, Refusals.NONE);
    }

    private void addTransports(Refusals tcp, Refusals tls) {
        plugin.addTransport(reference(Map.of("transport.name", "tcp", Constants.SERVICE_ID, 9L,
                Constants.SERVICE_RANKING, 100)), transport("tcp", tcp));
        plugin.addTransport(reference(Map.of("transport.name", "tls", Constants.SERVICE_ID, 10L,
                Constants.SERVICE_RANKING, 50)), transport("tls", tls));
    }

    /** A transport service that only reports its name and refusals (the page calls nothing else). */
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

    /** A factory configuration of org.iceshare.peer as the distribution's .cfg files make them. */
    private void peerConfig(String name, String transports) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("port", 7741);
        props.put("service.factoryPid", "org.iceshare.peer");
        props.put("felix.fileinstall.filename", "file:/karaf/etc/org.iceshare.peer-" + name + ".cfg");
        if (transports != null) {
            props.put("transports", transports);
        }
        store.byPid.put("org.iceshare.peer~" + name, props);
    }

    private static ConnectionInfo connection(PeerId peer, String transport) {
        return new ConnectionInfo(peer == null ? ConnectionInfo.Kind.TRACKER : ConnectionInfo.Kind.PEER, peer,
                new InetSocketAddress("127.0.0.1", peer == null ? 7740 : 50_000), transport, peer != null, 10, 20);
    }

    private Response post(String path, String... params) throws Exception {
        Request r = new Request("POST", path).header("X-IceShare", "1");
        for (int i = 0; i < params.length; i += 2) {
            r.param(params[i], params[i + 1]);
        }
        return call(r);
    }

    private Response call(Request request) throws Exception {
        Response response = new Response();
        plugin.service(request.proxy(), response.proxy());
        return response;
    }

    static IceShareConsolePlugin.Config config(int timeout, int history) {
        return (IceShareConsolePlugin.Config) Proxy.newProxyInstance(IceShareConsolePluginTest.class.getClassLoader(),
                new Class<?>[] {IceShareConsolePlugin.Config.class}, (p, m, a) -> switch (m.getName()) {
                    case "operationTimeoutSeconds" -> timeout;
                    case "historySamples" -> history;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static ServiceReference<PieceScheduler> scheduler(String name, long id, int ranking) {
        return reference(Map.of(PieceScheduler.NAME_PROPERTY, name, Constants.SERVICE_ID, id,
                Constants.SERVICE_RANKING, ranking));
    }

    @SuppressWarnings("unchecked")
    private static <T> ServiceReference<T> reference(Map<String, Object> props) {
        return (ServiceReference<T>) Proxy.newProxyInstance(IceShareConsolePluginTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> props.get((String) a[0]);
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}

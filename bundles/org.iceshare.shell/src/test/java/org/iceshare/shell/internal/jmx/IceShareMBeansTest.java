package org.iceshare.shell.internal.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.shell.internal.Fakes.id;

import java.net.InetSocketAddress;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.shell.internal.Fakes;
import org.iceshare.testkit.FakePeer;
import org.iceshare.testkit.FakeTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IceShareMBeansTest {
    private static final ContentId SHOW = id("3f");
    private static final ContentId RADIO = id("a1");

    /** A plain MBeanServer of the test's own (newMBeanServer keeps no reference to release). */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final IceShareMBeans mbeans = new IceShareMBeans(server);

    @AfterEach
    void release() {
        mbeans.close();
    }

    private static ObjectName name(String text) throws Exception {
        return new ObjectName(text);
    }

    @Test
    void peersAndSwarmsWithTheirFigures() throws Exception {
        FakePeer peer = new FakePeer("default", Fakes.swarm(SHOW, "icet://127.0.0.1:7740/show.ogg",
                State.DOWNLOADING, 3, 4, 1000, 3000));
        mbeans.addPeer(peer);
        mbeans.refresh();

        ObjectName p = name("org.iceshare:type=Peer,name=default");
        ObjectName s = name("org.iceshare:type=Swarm,peer=default,content=" + SHOW.toHex());
        assertThat(mbeans.names()).containsExactlyInAnyOrder(p, s);
        assertThat(server.getAttribute(p, "Name")).isEqualTo("default");
        assertThat(server.getAttribute(p, "Id")).isEqualTo(peer.id().toHex());
        assertThat(server.getAttribute(p, "Address")).isEqualTo("127.0.0.1:7741");
        assertThat(server.getAttribute(p, "Swarms")).isEqualTo(1);
        assertThat(server.getAttribute(p, "Uploaded")).isEqualTo(1000L);
        assertThat(server.getAttribute(p, "Downloaded")).isEqualTo(3000L);

        assertThat(server.getAttribute(s, "Peer")).isEqualTo("default");
        assertThat(server.getAttribute(s, "Content")).isEqualTo(SHOW.toHex());
        assertThat(server.getAttribute(s, "Name")).isEqualTo("show.ogg");
        assertThat(server.getAttribute(s, "Url")).isEqualTo("icet://127.0.0.1:7740/show.ogg");
        assertThat(server.getAttribute(s, "State")).isEqualTo("DOWNLOADING");
        assertThat(server.getAttribute(s, "Progress")).isEqualTo(0.75);
        assertThat(server.getAttribute(s, "Uploaded")).isEqualTo(1000L);
        assertThat(server.getAttribute(s, "Downloaded")).isEqualTo(3000L);
        assertThat(server.getAttribute(s, "Scheduler")).isEqualTo("rarest");
        assertThat(server.getAttribute(s, "Continuity")).isEqualTo(1.0);
        assertThat(server.getAttribute(s, "StartupMillis")).isEqualTo(-1L);
        assertThat(server.getAttribute(s, "LatencyP95Millis")).isEqualTo(-1L);
        TabularData requests = (TabularData) server.getAttribute(s, "RequestsByScheduler");
        CompositeData rarest = requests.get(new Object[] {"rarest"});
        assertThat(rarest.get("value")).isEqualTo(7L);
    }

    @Test
    void valuesAreReadOnEveryAccess() throws Exception {
        FakePeer peer = new FakePeer("default", Fakes.swarm(SHOW, "icet://127.0.0.1:7740/show.ogg",
                State.DOWNLOADING, 1, 4, 0, 1000));
        mbeans.addPeer(peer);
        mbeans.refresh();
        ObjectName s = IceShareMBeans.swarmName("default", SHOW);
        assertThat(server.getAttribute(s, "Progress")).isEqualTo(0.25);

        peer.swarms.set(0, Fakes.swarm(SHOW, "icet://127.0.0.1:7740/show.ogg", State.COMPLETE, 4, 4, 0, 4000));
        assertThat(server.getAttribute(s, "State")).isEqualTo("COMPLETE");
        assertThat(server.getAttribute(s, "Downloaded")).isEqualTo(4000L);
        assertThat(server.getAttribute(IceShareMBeans.peerName("default"), "Downloaded")).isEqualTo(4000L);
    }

    @Test
    void playbackFiguresOfALiveSwarm() throws Exception {
        FakePeer peer = new FakePeer("listener", Fakes.played(RADIO, "icet://127.0.0.1:7740/radio", true,
                new SwarmStatus.Quality(0.98, 100, 2, 850, 120, 400, true, 900)));
        mbeans.addPeer(peer);
        mbeans.refresh();
        ObjectName s = IceShareMBeans.swarmName("listener", RADIO);
        assertThat(server.getAttribute(s, "Live")).isEqualTo(true);
        assertThat(server.getAttribute(s, "State")).isEqualTo("LIVE");
        assertThat(server.getAttribute(s, "Continuity")).isEqualTo(0.98);
        assertThat(server.getAttribute(s, "PiecesDue")).isEqualTo(100L);
        assertThat(server.getAttribute(s, "PiecesLate")).isEqualTo(2L);
        assertThat(server.getAttribute(s, "StartupMillis")).isEqualTo(850L);
        assertThat(server.getAttribute(s, "LatencyP50Millis")).isEqualTo(120L);
        assertThat(server.getAttribute(s, "LatencyP95Millis")).isEqualTo(400L);
        assertThat(server.getAttribute(s, "OnAir")).isEqualTo(true);
    }

    @Test
    void swarmsJoinedAndLeftFollowOnRefresh() throws Exception {
        FakePeer peer = new FakePeer("default", Fakes.swarm(SHOW, "icet://t:7740/show.ogg", State.COMPLETE, 4, 4,
                0, 0));
        mbeans.addPeer(peer);
        mbeans.refresh();
        ObjectName show = IceShareMBeans.swarmName("default", SHOW);
        ObjectName radio = IceShareMBeans.swarmName("default", RADIO);

        peer.stop(SHOW);
        assertThat(server.getAttribute(show, "State")).isEqualTo("LEFT");
        peer.swarms.add(Fakes.swarm(RADIO, "icet://t:7740/radio.ogg", State.JOINING, 0, 0, 0, 0));
        mbeans.refresh();
        assertThat(server.isRegistered(show)).isFalse();
        assertThat(server.isRegistered(radio)).isTrue();
        assertThat(server.getAttribute(IceShareMBeans.peerName("default"), "Swarms")).isEqualTo(1);

        mbeans.removePeer(peer);
        mbeans.refresh();
        assertThat(server.queryNames(name("org.iceshare:*"), null)).isEmpty();
    }

    @Test
    void aRestartedPeerGetsFreshMBeans() throws Exception {
        FakePeer before = new FakePeer("default", Fakes.swarm(SHOW, "icet://t:7740/show.ogg", State.COMPLETE, 4,
                4, 100, 0));
        mbeans.addPeer(before);
        mbeans.refresh();
        FakePeer after = new FakePeer("default", Fakes.swarm(SHOW, "icet://t:7740/show.ogg", State.COMPLETE, 4, 4,
                0, 0));
        mbeans.removePeer(before);
        mbeans.addPeer(after);
        mbeans.refresh();
        assertThat(server.getAttribute(IceShareMBeans.peerName("default"), "Id")).isEqualTo(after.id().toHex());
        assertThat(server.getAttribute(IceShareMBeans.swarmName("default", SHOW), "Uploaded")).isEqualTo(0L);
    }

    @Test
    void theTrackerWithItsSourceUploadFactors() throws Exception {
        FakeTracker tracker = new FakeTracker(new InetSocketAddress("127.0.0.1", 7740),
                new TrackedContent(SHOW, "show.ogg", 1000, 4, 3, 2, 1200, 3000),
                new TrackedContent(RADIO, "radio", 0, 60, 2, 0, 0, 0));
        mbeans.setTracker(tracker);
        mbeans.refresh();
        ObjectName t = name("org.iceshare:type=Tracker");
        assertThat(server.getAttribute(t, "Address")).isEqualTo("127.0.0.1:7740");
        assertThat(server.getAttribute(t, "Contents")).isEqualTo(2);
        assertThat(server.getAttribute(t, "Peers")).isEqualTo(5);
        assertThat((String[]) server.getAttribute(t, "ContentNames")).containsExactly("show.ogg", "radio");
        TabularData suf = (TabularData) server.getAttribute(t, "SourceUploadFactor");
        assertThat(suf.get(new Object[] {"show.ogg"}).get("value")).isEqualTo(1.2);
        assertThat(suf.get(new Object[] {"radio"}).get("value")).isEqualTo(0.0);
        TabularData total = (TabularData) server.getAttribute(t, "TotalUploaded");
        assertThat(total.get(new Object[] {"show.ogg"}).get("value")).isEqualTo(3000L);

        mbeans.unsetTracker(new FakeTracker(null));
        mbeans.refresh();
        assertThat(server.isRegistered(t)).as("another tracker's unbind leaves this one").isTrue();
        mbeans.unsetTracker(tracker);
        mbeans.refresh();
        assertThat(server.isRegistered(t)).isFalse();
    }

    @Test
    void closeUnregistersEverythingAndLaterRefreshesDoNothing() throws Exception {
        mbeans.addPeer(new FakePeer("default", Fakes.swarm(SHOW, "icet://t:7740/show.ogg", State.COMPLETE, 4, 4,
                0, 0)));
        mbeans.setTracker(new FakeTracker(null));
        mbeans.refresh();
        assertThat(server.queryNames(name("org.iceshare:*"), null)).hasSize(3);
        mbeans.close();
        mbeans.refresh();
        assertThat(server.queryNames(name("org.iceshare:*"), null)).isEmpty();
    }

    @Test
    void aNameTakenByAnotherMBeanIsLeftAlone() throws Exception {
        ObjectName taken = IceShareMBeans.peerName("default");
        server.registerMBean(new javax.management.StandardMBean(new Runnable() {
            @Override
            public void run() {
            }
        }, Runnable.class), taken);
        mbeans.addPeer(new FakePeer("default"));
        mbeans.refresh();
        assertThat(mbeans.names()).isEmpty();
        mbeans.close();
        assertThat(server.isRegistered(taken)).isTrue();
    }

    @Test
    void oddPeerNamesAreQuoted() throws Exception {
        assertThat(IceShareMBeans.peerName("a,b=c").getKeyProperty("name")).isEqualTo("\"a,b=c\"");
        assertThat(ObjectName.unquote(IceShareMBeans.peerName("a,b=c").getKeyProperty("name"))).isEqualTo("a,b=c");
        assertThat(IceShareMBeans.peerName("leech-1").getKeyProperty("name")).isEqualTo("leech-1");
        mbeans.addPeer(new FakePeer("studio:1"));
        mbeans.refresh();
        assertThat(server.getAttribute(IceShareMBeans.peerName("studio:1"), "Name")).isEqualTo("studio:1");
    }
}

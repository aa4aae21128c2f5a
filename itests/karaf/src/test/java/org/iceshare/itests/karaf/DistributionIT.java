package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Dictionary;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the distribution's etc/ overlay promises: the IceShare defaults are in ConfigAdmin, the
 * karaf/karaf login works for the Web Console, and the IceShare endpoints answer on 127.0.0.1 (on the
 * ports the test moved them to).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT extends IceShareTestSupport {

    @Inject
    protected ConfigurationAdmin configAdmin;

    @Test
    public void shippedConfigurationIsLoaded() throws Exception {
        assertEquals("rarest", property("org.iceshare.scheduler", "name"));
        assertEquals("8388608", property("org.iceshare.transport.tcp", "maxFrameSize"));
        assertEquals("262144", property("org.iceshare.media.ogg", "pieceSize"));
        assertEquals("262144", property("org.iceshare.media.raw", "pieceSize"));
        assertEquals("127.0.0.1", property("org.iceshare.tracker", "host"));
        assertEquals(Integer.toString(port("tracker")), property("org.iceshare.tracker", "port"));

        Configuration peer = configAdmin.getFactoryConfiguration("org.iceshare.peer", "default", "?");
        Dictionary<String, Object> p = peer.getProperties();
        assertNotNull("no configuration org.iceshare.peer~default (etc/org.iceshare.peer-default.cfg)", p);
        assertEquals("default", String.valueOf(p.get("name")));
        assertEquals("127.0.0.1", String.valueOf(p.get("host")));
        assertEquals(Integer.toString(port("peer")), String.valueOf(p.get("port")));
        assertEquals(Integer.toString(port("peerHttp")), String.valueOf(p.get("httpPort")));
        assertEquals("127.0.0.1:" + port("tracker"), String.valueOf(p.get("tracker")));
        // ${karaf.data} is resolved when the file is read
        assertEquals(new File(System.getProperty("karaf.data"), "iceshare/default").getCanonicalPath(),
            new File(String.valueOf(p.get("storage"))).getCanonicalPath());
    }

    @Test
    public void webConsoleNeedsAndAcceptsKarafLogin() throws Exception {
        String url = "http://127.0.0.1:" + port("http") + "/system/console/bundles";
        waitUntil("the Web Console answers on " + url, () -> status(url, null) == 401);
        assertEquals("Web Console with karaf/karaf", 200, status(url, "karaf:karaf"));
    }

    @Test
    public void endpointsAnswerOnLoopback() {
        List<String> endpoints = List.of("ssh", "tracker", "peer", "peerHttp");
        waitUntilAsserted("ssh, tracker, peer and peer HTTP answer on 127.0.0.1", () -> {
            List<String> silent = endpoints.stream()
                .filter(name -> !answers(port(name)))
                .map(name -> name + " (127.0.0.1:" + port(name) + ")")
                .collect(Collectors.toList());
            assertTrue(problems("endpoint(s) not answering", silent), silent.isEmpty());
        });
    }

    private String property(String pid, String key) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        assertNotNull("no configuration " + pid + " (etc/" + pid + ".cfg)", properties);
        Object value = properties.get(key);
        assertNotNull(pid + " has no " + key, value);
        return String.valueOf(value);
    }

    private static int status(String url, String credentials) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(10000);
        if (credentials != null) {
            connection.setRequestProperty("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}

package org.iceshare.production.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.iceshare.production.internal.ProductionCheck.Login;
import org.iceshare.production.internal.ProductionCheck.Setup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production check on an {@code etc/} folder laid out as the distribution ships it. */
class ProductionCheckTest {

    @TempDir
    Path etc;

    private void write(String file, String... lines) throws IOException {
        Files.write(etc.resolve(file), String.join("\n", lines).concat("\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The distribution's defaults: everything on 127.0.0.1, karaf/karaf, push password hackme. */
    @BeforeEach
    void distribution() throws IOException {
        write("org.apache.karaf.shell.cfg", "sshPort = 8101", "sshHost = 127.0.0.1");
        write("org.ops4j.pax.web.cfg", "org.osgi.service.http.port = 8181",
                "org.ops4j.pax.web.listening.addresses = 127.0.0.1");
        write("org.apache.karaf.management.cfg", "rmiRegistryHost = 127.0.0.1", "rmiServerHost = 127.0.0.1");
        write("org.apache.karaf.jaas.cfg", "encryption.enabled = false", "encryption.prefix = {CRYPT}",
                "encryption.suffix = {CRYPT}", "encryption.algorithm = SHA-256", "encryption.encoding = hexadecimal");
        write("users.properties", "karaf = karaf,_g_:admingroup", "_g_\\:admingroup = group,admin,manager,viewer,ssh");
        write("org.iceshare.tracker.cfg", "host = 127.0.0.1", "port = 7740");
        write("org.iceshare.peer-default.cfg", "name = default", "host = 127.0.0.1", "port = 7741", "httpPort = 8190");
        write("org.iceshare.source.cfg", "pushEnabled = true", "pushHost = 127.0.0.1", ".pushPassword = hackme");
    }

    private Setup setup() {
        return EtcSetup.read(etc, Map.of());
    }

    @Test
    void theLoopbackDefaultsStayEasyToTry() {
        Setup s = setup();
        assertThat(s.login()).isEqualTo(Login.DEFAULT);
        assertThat(s.defaultPushPassword()).isTrue();
        assertThat(s.bindings()).allMatch(ProductionCheck.Binding::loopback).hasSize(8);
        assertThat(ProductionCheck.refusal(s)).isEmpty();
    }

    @Test
    void aTrackerOnEveryAddressWithTheDefaultsIsRefusedWithWhatToChange() throws IOException {
        write("org.iceshare.tracker.cfg", "host = 0.0.0.0", "port = 7740");
        String refusal = ProductionCheck.refusal(setup()).orElseThrow();
        assertThat(refusal).startsWith("IceShare refuses to start in production mode: it would listen on a "
                + "non-loopback address\n  - the IceShare tracker on 0.0.0.0 (host in etc/org.iceshare.tracker.cfg)\n")
                .contains("the login karaf/karaf (etc/users.properties): give user karaf a password of your own")
                .contains("the push password 'hackme' (.pushPassword in etc/org.iceshare.source.cfg): set a password "
                        + "of your own, or pushEnabled = false")
                .contains("keep every address on 127.0.0.1");
    }

    @Test
    void everyKindOfListenerCounts() throws IOException {
        for (String[] exposure : new String[][] {
            {"org.apache.karaf.shell.cfg", "sshHost = 192.0.2.7", "the ssh console on 192.0.2.7"},
            {"org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses = 127.0.0.1, ::", "the web console (HTTP) on ::"},
            {"org.apache.karaf.management.cfg", "rmiRegistryHost = myhost", "JMX (RMI registry) on myhost"},
            {"org.iceshare.peer-default.cfg", "host = 10.0.0.5", "IceShare peer 'default' on 10.0.0.5"},
            {"org.iceshare.peer-second.cfg", "httpHost = 0.0.0.0", "the player endpoint of peer 'second' on 0.0.0.0"},
            {"org.iceshare.source.cfg", "pushHost = 0.0.0.0", "the live sources' push server on 0.0.0.0"}}) {
            distribution();
            write(exposure[0], exposure[1]);
            assertThat(ProductionCheck.refusal(setup())).as(exposure[1]).hasValueSatisfying(r -> assertThat(r)
                    .contains(exposure[2]));
        }
    }

    @Test
    void sshAndHttpBindEveryAddressWhenNotTold() throws IOException {
        write("org.apache.karaf.shell.cfg", "sshPort = 8101");
        assertThat(ProductionCheck.refusal(setup())).hasValueSatisfying(r -> assertThat(r)
                .contains("the ssh console on 0.0.0.0 (sshHost in etc/org.apache.karaf.shell.cfg)"));
        distribution();
        write("org.ops4j.pax.web.cfg", "org.osgi.service.http.enabled = false");
        assertThat(ProductionCheck.refusal(setup())).as("no web console, nothing exposed").isEmpty();
    }

    @Test
    void changedCredentialsMayListenAnywhere() throws IOException {
        write("org.iceshare.tracker.cfg", "host = 0.0.0.0");
        write("org.apache.karaf.shell.cfg", "sshHost = 0.0.0.0");
        write("users.properties", "karaf = a-long-secret,_g_:admingroup", "_g_\\:admingroup = group,admin");
        assertThat(ProductionCheck.refusal(setup())).as("the push password is still the default").isPresent()
                .hasValueSatisfying(r -> assertThat(r).doesNotContain("the login karaf/karaf"));
        write("org.iceshare.source.cfg", "pushHost = 127.0.0.1", ".pushPassword = another-secret");
        assertThat(ProductionCheck.refusal(setup())).isEmpty();
        write("org.iceshare.source.cfg", "pushEnabled = false");
        assertThat(ProductionCheck.refusal(setup())).isEmpty();
    }

    @Test
    void encryptedPasswordsAreRecognised() throws Exception {
        write("org.iceshare.tracker.cfg", "host = 0.0.0.0");
        write("org.iceshare.source.cfg", "pushEnabled = false");
        String karaf = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("karaf".getBytes(StandardCharsets.UTF_8)));
        write("users.properties", "karaf = {CRYPT}" + karaf + "{CRYPT},_g_:admingroup");
        assertThat(setup().login()).isEqualTo(Login.DEFAULT);
        assertThat(ProductionCheck.refusal(setup())).isPresent();
        String other = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("other".getBytes(StandardCharsets.UTF_8)));
        write("users.properties", "karaf = {CRYPT}" + other + "{CRYPT},_g_:admingroup");
        assertThat(setup().login()).isEqualTo(Login.CHANGED);
        write("users.properties", "admin = admin,_g_:admingroup");
        assertThat(setup().login()).as("no user karaf").isEqualTo(Login.CHANGED);
    }

    @Test
    void environmentReferencesAreResolved() throws IOException {
        write("org.iceshare.tracker.cfg", "host = ${env:ICESHARE_HOST:-127.0.0.1}");
        assertThat(ProductionCheck.refusal(EtcSetup.read(etc, Map.of()))).isEmpty();
        assertThat(ProductionCheck.refusal(EtcSetup.read(etc, Map.of("ICESHARE_HOST", "0.0.0.0")))).isPresent();
    }

    @Test
    void onlyLoopbackLiteralsAndLocalhostAreLoopback() {
        assertThat(ProductionCheck.isLoopback("127.0.0.1")).isTrue();
        assertThat(ProductionCheck.isLoopback("127.1.2.3")).isTrue();
        assertThat(ProductionCheck.isLoopback("::1")).isTrue();
        assertThat(ProductionCheck.isLoopback("[::1]")).isTrue();
        assertThat(ProductionCheck.isLoopback("localhost")).isTrue();
        assertThat(ProductionCheck.isLoopback("0.0.0.0")).isFalse();
        assertThat(ProductionCheck.isLoopback("::")).isFalse();
        assertThat(ProductionCheck.isLoopback("")).isFalse();
        assertThat(ProductionCheck.isLoopback("loopback.example.org")).isFalse();
        assertThat(ProductionCheck.isLoopback("192.168.1.2")).isFalse();
    }
}

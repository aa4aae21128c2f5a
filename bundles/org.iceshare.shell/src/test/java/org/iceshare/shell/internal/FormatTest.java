package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.shell.internal.Fakes.id;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.Quality;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.IcetUrl;
import org.junit.jupiter.api.Test;

/** The small wordings the commands share. */
class FormatTest {

    @Test
    void playbackFiguresOnlyForLiveOrPlayedSwarmsAwayFromTheSource() {
        Quality played = new Quality(0.99, 10, 0, 700, 100, 300, true, 800);
        assertThat(Format.hasPlayback(Fakes.played(id("01"), "icet://t:7740/a.ogg", false, played))).isTrue();
        assertThat(Format.hasPlayback(Fakes.played(id("01"), "icet://t:7740/live", true, Quality.NONE))).isTrue();
        assertThat(Format.hasPlayback(Fakes.swarm(id("01"), "icet://t:7740/a.ogg", State.COMPLETE, 4, 4, 0, 0)))
                .isFalse();
        SwarmStatus source = new SwarmStatus(id("02"), IcetUrl.parse("icet://t:7740/live"),
                URI.create("http://127.0.0.1:8190/"), true, State.LIVE, 5, 5, 0, 3, 9000, 0, "deadline", Map.of(), "",
                true, played);
        assertThat(Format.hasPlayback(source)).isFalse();
    }

    @Test
    void countsAddressesMillisAndRatios() {
        assertThat(Format.count(1, "swarm")).isEqualTo("1 swarm");
        assertThat(Format.count(0, "peer")).isEqualTo("0 peers");
        assertThat(Format.address(new InetSocketAddress("127.0.0.1", 7740))).isEqualTo("127.0.0.1:7740");
        assertThat(Format.address(InetSocketAddress.createUnresolved("::1", 7740))).isEqualTo("[::1]:7740");
        assertThat(Format.address(null)).isEqualTo("-");
        assertThat(Format.millis(-1)).isEqualTo("-");
        assertThat(Format.millis(250)).isEqualTo("250 ms");
        assertThat(Format.factor(1.0 / 3)).isEqualTo("0.33");
        assertThat(PeersCommand.ratio(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(PeersCommand.ratio(Double.NaN)).isEqualTo("-");
        assertThat(PeersCommand.ratio(1.5)).isEqualTo("1.50");
    }

    @Test
    void whatALocalPeerHolds() {
        assertThat(PiecesCommand.holding(Fakes.swarm(id("01"), "icet://t:7740/a.ogg", State.COMPLETE, 4, 4, 0, 0)))
                .isEqualTo("every piece, 0-3 (COMPLETE)");
        assertThat(PiecesCommand.holding(Fakes.swarm(id("01"), "icet://t:7740/a.ogg", State.DOWNLOADING, 1, 4, 0,
                0))).isEqualTo("1 of 4 pieces verified, 25% (DOWNLOADING)");
        assertThat(PiecesCommand.holding(Fakes.played(id("01"), "icet://t:7740/live", true, Quality.NONE)))
                .isEqualTo("5 of the 10 pieces of the window (LIVE)");
        assertThat(SwarmsCommand.state(new SwarmStatus(id("03"), IcetUrl.parse("icet://t:7740/x.ogg"), null, false,
                State.FAILED, 0, 0, 0, 0, 0, 0, "rarest", Map.of(), "no content named x.ogg")))
                .isEqualTo("FAILED: no content named x.ogg");
    }
}

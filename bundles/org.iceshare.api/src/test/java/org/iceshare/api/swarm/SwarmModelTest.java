package org.iceshare.api.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SwarmModelTest {
    private static PieceInfo piece(int i, long off, int len) {
        return new PieceInfo(i, off, len, new byte[] {(byte) i, 1, 2, 3});
    }

    @Test
    void manifestPiecesMustTileTheContent() {
        Manifest m = Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 30, 1,
                List.of(piece(0, 0, 10), piece(1, 10, 10), piece(2, 20, 10)));
        assertThat(m.idMatchesContents()).isTrue();
        assertThat(m.pieceAt(0)).isZero();
        assertThat(m.pieceAt(19)).isEqualTo(1);
        assertThat(m.pieceAt(29)).isEqualTo(2);
        assertThatThrownBy(() -> m.pieceAt(30)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 30, 0,
                List.of(piece(0, 0, 10), piece(1, 11, 19)))).hasMessageContaining("tile");
        assertThatThrownBy(() -> Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 31, 0,
                List.of(piece(0, 0, 10), piece(1, 10, 20)))).hasMessageContaining("cover 30 bytes");
    }

    @Test
    void contentIdDependsOnEveryPieceHash() {
        Manifest a = Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 10, 0, List.of(piece(0, 0, 10)));
        Manifest b = Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 10, 0,
                List.of(new PieceInfo(0, 0, 10, new byte[] {9, 9})));
        assertThat(a.id()).isNotEqualTo(b.id());
        Manifest forged = new Manifest(a.id(), "a.ogg", "audio/ogg", "ogg", "sha-256", 10, 0, b.pieces());
        assertThat(forged.idMatchesContents()).isFalse();
    }

    @Test
    void contentNamesAreSingleSafePathSegments() {
        assertThat(Manifest.checkName("Radio_1-live.ogg")).isEqualTo("Radio_1-live.ogg");
        for (String bad : new String[] {"", "a/b", "..", "a b", "ä.ogg", "x".repeat(256)}) {
            assertThatThrownBy(() -> Manifest.checkName(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void bitfieldRoundTripsAndScans() {
        Bitfield b = new Bitfield(11);
        b.set(0);
        b.set(8);
        b.set(10);
        assertThat(b.toString()).isEqualTo("10000000101");
        Bitfield c = Bitfield.fromByteArray(11, b.toByteArray());
        assertThat(c).isEqualTo(b);
        assertThat(c.nextSet(1)).isEqualTo(8);
        assertThat(c.nextClear(0)).isEqualTo(1);
        assertThat(c.set(8)).isFalse();
        assertThatThrownBy(() -> c.get(11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bitfield.fromByteArray(11, new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void icetUrlsParseAndPrint() {
        IcetUrl u = IcetUrl.parse("icet://Example.org:7000/show.ogg");
        assertThat(u.host()).isEqualTo("Example.org");
        assertThat(u.port()).isEqualTo(7000);
        assertThat(u.name()).isEqualTo("show.ogg");
        assertThat(u.toString()).isEqualTo("icet://Example.org:7000/show.ogg");
        assertThat(IcetUrl.parse("icet://[::1]/a.ogg").toString()).isEqualTo("icet://[::1]:7740/a.ogg");
        assertThat(IcetUrl.parse("ICET://h/a.ogg")).isEqualTo(new IcetUrl("h", 7740, "a.ogg"));
        assertThat(u.publisher()).isEmpty();
    }

    @Test
    void icetUrlsMayPinThePublisher() {
        PeerId publisher = PeerId.parse("0123456789abcdef0123456789abcdef");
        IcetUrl u = IcetUrl.parse("icet://0123456789ABCDEF0123456789abcdef@example.org:7000/show.ogg");
        assertThat(u.publisher()).contains(publisher);
        assertThat(u.host()).isEqualTo("example.org");
        assertThat(u.port()).isEqualTo(7000);
        assertThat(u.name()).isEqualTo("show.ogg");
        assertThat(u.toString()).isEqualTo("icet://0123456789abcdef0123456789abcdef@example.org:7000/show.ogg");
        assertThat(IcetUrl.parse(u.toString())).isEqualTo(u);
        assertThat(IcetUrl.parse("icet://0123456789abcdef0123456789abcdef@[::1]/a.ogg").toString())
                .isEqualTo("icet://0123456789abcdef0123456789abcdef@[::1]:7740/a.ogg");
        assertThat(u).isNotEqualTo(u.withPublisher(null)).isEqualTo(u.withPublisher(null).withPublisher(publisher));
        assertThat(new IcetUrl(publisher, "example.org", 7000, "show.ogg")).isEqualTo(u);
    }

    @Test
    void malformedPublisherIdsAreRefusedClearly() {
        for (String bad : List.of("icet://0123@h/a.ogg", "icet://0123456789abcdef0123456789abcdeg@h/a.ogg",
                "icet://user:pw@h/a.ogg", "icet://0123456789abcdef0123456789abcdef00@h/a.ogg")) {
            assertThatThrownBy(() -> IcetUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("publisher id before '@'").hasMessageContaining("32 hex digits");
        }
        assertThatThrownBy(() -> IcetUrl.parse("icet://h/a.ogg?x=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no query or fragment");
    }

    @Test
    void idsParseOnlyTheirOwnLength() {
        PeerId p = PeerId.random();
        assertThat(PeerId.parse(p.toHex())).isEqualTo(p);
        assertThatThrownBy(() -> PeerId.parse("abc")).hasMessageContaining("32 hex digits");
        assertThatThrownBy(() -> ContentId.parse("zz".repeat(16))).hasMessageContaining("not hexadecimal");
        assertThatThrownBy(() -> ContentId.of(new byte[3])).hasMessageContaining("16 bytes");
    }
}

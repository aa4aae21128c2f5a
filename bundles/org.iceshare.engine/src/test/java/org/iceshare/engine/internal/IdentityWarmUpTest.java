package org.iceshare.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The warm-up checks a real signature: RFC 8032's first vector, and fails it when a bit of it changes. */
class IdentityWarmUpTest {

    @Test
    void theRfcVectorChecksAndAChangedSignatureDoesNot() {
        assertThat(Identity.warmUp()).isTrue();
        byte[] key = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = HexFormat.of().parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821"
                + "590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertThat(Identity.verify(key, new byte[0], sig)).isTrue();
        sig[10] ^= 1;
        assertThat(Identity.verify(key, new byte[0], sig)).isFalse();
    }
}

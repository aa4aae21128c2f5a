package org.iceshare.verify.sha256.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.verify.PieceVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Sha256VerifierTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private final PieceVerifier verifier = new Sha256Verifier();

    @Test
    void namesItsAlgorithmAndDigestLength() {
        assertThat(verifier.algorithm()).isEqualTo("sha-256");
        assertThat(verifier.digestLength()).isEqualTo(32);
        assertThat(verifier.digest(ByteBuffer.allocate(0))).hasSize(32);
    }

    // FIPS 180-4 example vectors (NIST CSRC "SHA_All.pdf")
    @ParameterizedTest
    @CsvSource({
        "'', e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "abc, " + ABC,
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq, "
                + "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"})
    void matchesKnownVectorsInHeapAndDirectBuffers(String text, String expected) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);

        assertThat(hex(verifier.digest(ByteBuffer.wrap(bytes)))).isEqualTo(expected);
        assertThat(hex(verifier.digest(direct(bytes)))).isEqualTo(expected);
        assertThat(hex(verifier.digest(ByteBuffer.wrap(bytes).asReadOnlyBuffer()))).isEqualTo(expected);
    }

    @Test
    void matchesTheMillionAVectorInADirectBuffer() {
        byte[] bytes = new byte[1_000_000];
        Arrays.fill(bytes, (byte) 'a');

        assertThat(hex(verifier.digest(direct(bytes))))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    @Test
    void digestsOnlyTheRemainingBytesAndLeavesPositionAndLimitAlone() {
        byte[] framed = "xxabcyyy".getBytes(StandardCharsets.US_ASCII);
        for (ByteBuffer buffer : List.of(ByteBuffer.wrap(framed), direct(framed))) {
            buffer.position(2).limit(5);

            assertThat(hex(verifier.digest(buffer))).isEqualTo(ABC);
            assertThat(buffer.position()).isEqualTo(2);
            assertThat(buffer.limit()).isEqualTo(5);
        }
    }

    @Test
    void digestsASliceFromItsOwnStart() {
        ByteBuffer slice = ByteBuffer.wrap("--abc".getBytes(StandardCharsets.US_ASCII)).position(2).slice();

        assertThat(hex(verifier.digest(slice))).isEqualTo(ABC);
    }

    @Test
    void verifiesAgainstTheExpectedDigest() {
        ByteBuffer abc = ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII));
        byte[] right = HEX.parseHex(ABC);
        byte[] wrong = right.clone();
        wrong[31] ^= 1;

        assertThat(verifier.verify(abc, right)).isTrue();
        assertThat(verifier.verify(abc, wrong)).isFalse();
        assertThat(verifier.verify(abc, Arrays.copyOf(right, 31))).isFalse();
        assertThat(verifier.verify(abc, null)).isFalse();
        assertThat(abc.position()).isZero();
    }

    @Test
    void refusesNullData() {
        assertThatThrownBy(() -> verifier.digest(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void givesRightDigestsFromManyThreadsAtOnce() throws Exception {
        int threads = 8;
        int rounds = 200;
        Random random = new Random(42);
        List<byte[]> inputs = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            byte[] data = new byte[random.nextInt(70_000)];
            random.nextBytes(data);
            inputs.add(data);
            expected.add(MessageDigest.getInstance("SHA-256").digest(data));
        }
        ByteBuffer shared = direct(inputs.get(0));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<Integer> task = () -> {
                    start.await();
                    int wrong = 0;
                    for (int r = 0; r < rounds; r++) {
                        int i = (offset + r) % inputs.size();
                        ByteBuffer data = r % 2 == 0 ? ByteBuffer.wrap(inputs.get(i)) : direct(inputs.get(i));
                        wrong += Arrays.equals(verifier.digest(data), expected.get(i)) ? 0 : 1;
                        wrong += verifier.verify(shared, expected.get(0)) ? 0 : 1;
                    }
                    return wrong;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.position()).isZero();
    }

    @Test
    void declaresItsServiceProperties() throws Exception {
        String name = "/OSGI-INF/" + Sha256Verifier.class.getName() + ".xml";
        String xml;
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(xml).contains("org.iceshare.api.verify.PieceVerifier")
                .contains("name=\"verify.algorithm\"").contains("value=\"sha-256\"")
                .contains("name=\"service.ranking\"").contains("type=\"Integer\"").contains("value=\"100\"");
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}

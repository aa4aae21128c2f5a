package org.iceshare.api.icet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Signatures;

/**
 * Live streams: a title change sent out of band (an Icecast-style {@code /admin/metadata} update at
 * the source), stamped with the media time it takes effect at. The source sends it to the tracker, which
 * passes it on unchanged to the stream's members and keeps the latest few for members who join later.
 * Title changes inside the stream (the comment headers of a new chain link) need no message: every
 * listener reads them from the link's header pages.
 *
 * <p>Since IceT version 6; sent only on connections both sides opened with version 6 or later. Like a
 * piece, it is signed by the source with the key that signed the stream's manifest ({@link #signable}),
 * so that the tracker cannot make up titles.
 *
 * @param content the live stream
 * @param micros the media time it takes effect at, on the stream's timeline (the time of its pieces):
 *        the source's live edge when the update reached it
 * @param title the title (Icecast's {@code song}), at most {@link IcetMessage#MAX_STRING} UTF-8 bytes
 * @param artist the artist, or empty
 * @param signature the source's Ed25519 signature (64 bytes) of {@link #signable}, or empty when unsigned
 * @since 1.8
 */
public record Metadata(ContentId content, long micros, String title, String artist, byte[] signature)
        implements IcetMessage {

    static final String TAG = "IceT live metadata v6";
    private static final byte[] NONE = new byte[0];

    public Metadata {
        Objects.requireNonNull(content, "content");
        if (micros < 0) {
            throw new IllegalArgumentException("micros must be >= 0, got " + micros);
        }
        IcetMessage.text(title, "title");
        IcetMessage.text(artist, "artist");
        signature = signature == null || signature.length == 0 ? NONE : Signatures.checkedSignature(signature);
    }

    /** An unsigned update (to be {@linkplain #signed signed} before it is sent). */
    public Metadata(ContentId content, long micros, String title, String artist) {
        this(content, micros, title, artist, NONE);
    }

    /** The same update with a signature. */
    public Metadata signed(byte[] signature) {
        return new Metadata(content, micros, title, artist, signature);
    }

    /**
     * The bytes the source signs: an ASCII tag of their own (so the signature never passes for a piece's or
     * a link's), the content id, the time, then title and artist, each a big-endian u16 length and UTF-8.
     */
    public byte[] signable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + title.length() + artist.length());
        out.writeBytes(TAG.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content.toBytes());
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (micros >>> shift));
        }
        for (String s : new String[] {title, artist}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public boolean isSigned() {
        return signature.length == Signatures.SIGNATURE_LENGTH;
    }

    /** True when the signature is the publisher's over this update. */
    public boolean signatureValid(byte[] publisherKey) {
        return isSigned() && Signatures.verify(publisherKey, signable(), signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata m && m.content.equals(content) && m.micros == micros && m.title.equals(title)
                && m.artist.equals(artist) && Arrays.equals(m.signature, signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(content, micros, title, artist);
    }

    @Override
    public String toString() {
        return "Metadata[" + content.shortHex() + " at " + micros + " us: '" + title + "'"
                + (artist.isEmpty() ? "" : " by '" + artist + "'") + (isSigned() ? ", signed]" : ", unsigned]");
    }

    @Override
    public MessageType type() {
        return MessageType.METADATA;
    }
}

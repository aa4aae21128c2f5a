package org.iceshare.core.internal.storage;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;

/**
 * Reads and writes a manifest as a small line-oriented text file, so an operator can look at it:
 *
 * <pre>
 * iceshare-manifest 1
 * id=...
 * name=...
 * ...
 * pieces=N
 * &lt;length&gt; &lt;hash hex&gt; &lt;start µs&gt; &lt;end µs&gt; &lt;start point 0|1&gt; &lt;link&gt;   (one line per piece, in order)
 * links=K
 * &lt;first piece&gt; &lt;header pieces&gt; &lt;start µs&gt; &lt;end µs&gt; &lt;codecs&gt;        (one line per chain link)
 * publisherKey=&lt;hex&gt;                                                    (a signed manifest only)
 * signature=&lt;hex&gt;
 * </pre>
 *
 * Offsets follow from the lengths. A piece line with only length and hash (and no links section)
 * reads as an untimed piece of one link.
 */
final class ManifestCodec {
    private static final String MAGIC = "iceshare-manifest 1";
    private static final HexFormat HEX = HexFormat.of();

    private ManifestCodec() {
    }

    static void write(Manifest m, Writer out) throws IOException {
        BufferedWriter w = new BufferedWriter(out);
        w.write(MAGIC + "\n");
        w.write("id=" + m.id().toHex() + "\n");
        w.write("name=" + m.name() + "\n");
        w.write("mediaType=" + m.mediaType() + "\n");
        w.write("format=" + m.format() + "\n");
        w.write("verifier=" + m.verifier() + "\n");
        w.write("length=" + m.length() + "\n");
        w.write("headerPieces=" + m.headerPieces() + "\n");
        w.write("pieces=" + m.pieceCount() + "\n");
        for (PieceInfo p : m.pieces()) {
            w.write(p.length() + " " + HEX.formatHex(p.hash()) + " " + p.startMicros() + " " + p.endMicros() + " "
                    + (p.startPoint() ? 1 : 0) + " " + p.link() + "\n");
        }
        w.write("links=" + m.links().size() + "\n");
        for (ChainLink l : m.links()) {
            w.write(l.firstPiece() + " " + l.headerPieces() + " " + l.startMicros() + " " + l.endMicros() + " "
                    + l.codecs() + "\n");
        }
        if (m.isSigned()) {
            // kept so that a resumed swarm still knows who published it (pins, live announcements)
            w.write("publisherKey=" + HEX.formatHex(m.publisherKey()) + "\n");
            w.write("signature=" + HEX.formatHex(m.signature()) + "\n");
        }
        w.flush();
    }

    static Manifest read(Reader in) throws IOException {
        BufferedReader r = new BufferedReader(in);
        if (!MAGIC.equals(r.readLine())) {
            throw new IOException("not an IceShare manifest (expected '" + MAGIC + "' on the first line)");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String line;
        while ((line = r.readLine()) != null) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException("malformed manifest line: " + line);
            }
            String key = line.substring(0, eq);
            fields.put(key, line.substring(eq + 1));
            if (key.equals("pieces")) {
                break;
            }
        }
        try {
            int count = Integer.parseInt(require(fields, "pieces"));
            if (count < 1 || count > Manifest.MAX_PIECES) {
                throw new IOException("piece count out of range: " + count);
            }
            List<PieceInfo> pieces = new ArrayList<>(count);
            long offset = 0;
            for (int i = 0; i < count; i++) {
                line = r.readLine();
                if (line == null) {
                    throw new IOException("manifest ends after " + i + " of " + count + " pieces");
                }
                String[] f = line.split(" ");
                if (f.length != 2 && f.length != 6) {
                    throw new IOException("malformed piece line " + i + ": " + line);
                }
                int length = Integer.parseInt(f[0]);
                byte[] hash = HEX.parseHex(f[1]);
                pieces.add(f.length == 2 ? new PieceInfo(i, offset, length, hash)
                        : new PieceInfo(i, offset, length, hash, Long.parseLong(f[2]), Long.parseLong(f[3]),
                                "1".equals(f[4]), Integer.parseInt(f[5])));
                offset += length;
            }
            int headerPieces = Integer.parseInt(require(fields, "headerPieces"));
            List<ChainLink> links = new ArrayList<>();
            line = r.readLine();
            if (line == null) {
                links.add(ChainLink.untimed(0, 0, headerPieces));
            } else {
                if (!line.startsWith("links=")) {
                    throw new IOException("expected links= after the pieces, got: " + line);
                }
                int k = Integer.parseInt(line.substring(6));
                if (k < 1 || k > count) {
                    throw new IOException("link count out of range: " + k);
                }
                for (int i = 0; i < k; i++) {
                    line = r.readLine();
                    if (line == null) {
                        throw new IOException("manifest ends after " + i + " of " + k + " links");
                    }
                    String[] f = line.split(" ", 5);
                    if (f.length < 4) {
                        throw new IOException("malformed link line " + i + ": " + line);
                    }
                    links.add(new ChainLink(i, Integer.parseInt(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), f.length == 5 ? f[4] : ""));
                }
            }
            Manifest m = new Manifest(ContentId.parse(require(fields, "id")), require(fields, "name"),
                    require(fields, "mediaType"), require(fields, "format"), require(fields, "verifier"),
                    Long.parseLong(require(fields, "length")), pieces, links);
            String key = r.readLine();
            if (key != null && key.startsWith("publisherKey=")) {
                String signature = r.readLine();
                if (signature == null || !signature.startsWith("signature=")) {
                    throw new IOException("expected signature= after publisherKey=, got: " + signature);
                }
                m = m.signed(HEX.parseHex(key.substring(13)), HEX.parseHex(signature.substring(10)));
            }
            return m;
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid manifest: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> fields, String key) throws IOException {
        String v = fields.get(key);
        if (v == null) {
            throw new IOException("manifest lacks '" + key + "'");
        }
        return v;
    }
}

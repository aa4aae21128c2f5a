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
 * &lt;length&gt; &lt;hash hex&gt;      (one line per piece, in order; offsets follow from the lengths)
 * </pre>
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
            w.write(p.length() + " " + HEX.formatHex(p.hash()) + "\n");
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
                int sp = line.indexOf(' ');
                if (sp <= 0) {
                    throw new IOException("malformed piece line " + i + ": " + line);
                }
                int length = Integer.parseInt(line.substring(0, sp));
                pieces.add(new PieceInfo(i, offset, length, HEX.parseHex(line.substring(sp + 1))));
                offset += length;
            }
            return new Manifest(ContentId.parse(require(fields, "id")), require(fields, "name"),
                    require(fields, "mediaType"), require(fields, "format"), require(fields, "verifier"),
                    Long.parseLong(require(fields, "length")), Integer.parseInt(require(fields, "headerPieces")),
                    pieces);
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

package org.iceshare.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;

/**
 * Builds a {@link TestSwarmView} from a compact text picture of a swarm, in the spirit of
 * libtorrent's {@code setup_picker("2223333", "* * *")}: one line per aspect, one column per piece.
 *
 * <pre>
 * verified  ##..#.....
 * inflight  ..1.......
 * avail     3322333311
 * peer A 2  ..xxr.....     // A: 2 free slots, source of pieces 2..4, our request for 4 in flight
 * peer B 1  xxxxxxxxxx
 * playhead  4
 * </pre>
 *
 * <h2>Rows</h2>
 * <table>
 * <caption>The rows of the DSL</caption>
 * <tr><th>Row</th><th>Cells</th><th>When left out</th></tr>
 * <tr><td>{@code verified <cells>}</td><td>{@code #} verified, {@code .} missing</td>
 * <td>nothing verified</td></tr>
 * <tr><td>{@code inflight <cells>}</td><td>requests in flight: {@code .} or {@code 0}-{@code 9},
 * then {@code a}-{@code z} for 10-35</td><td>the number of {@code r} cells of the peer rows</td></tr>
 * <tr><td>{@code avail <cells>}</td><td>availability, same digits as {@code inflight}</td>
 * <td>the number of peers that are a source of the piece</td></tr>
 * <tr><td>{@code peer <name> <slots> <cells>}</td><td>{@code .} not a source, {@code x} a source,
 * {@code r} a source our request is in flight to</td><td>no peers</td></tr>
 * <tr><td>{@code playhead <piece>}</td><td>a piece index, or {@code -1}</td><td>{@code -1}</td></tr>
 * <tr><td>{@code length <bytes>}</td><td>the length of every piece</td>
 * <td>{@value #DEFAULT_PIECE_LENGTH}</td></tr>
 * </table>
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>Keywords are case-insensitive; each row appears at most once, peers any number of times.</li>
 * <li>Whitespace inside cells is ignored, so cells may be grouped ({@code ##... .....}); blank lines
 * and indentation are ignored; {@code //} starts a comment that runs to the end of the line.</li>
 * <li>Every row with cells has the same number of pieces, which is the view's
 * {@link TestSwarmView#pieceCount() pieceCount}.</li>
 * <li>A peer name is 1 to 16 characters of {@code [A-Za-z0-9_-]}, unique; it is also the peer's id,
 * as ASCII bytes padded with zeros ({@link #peerId(String)}). {@code slots} is the number of free
 * request slots now; an {@code r} cell does not take one.</li>
 * <li>The sources of a piece, best first, are the peers marked {@code x} or {@code r} in it, in the
 * order the peer rows are written.</li>
 * <li>{@code inflight}, when given, counts every request in flight for the piece, so it is at least
 * the number of {@code r} cells; the rest are requests to peers the picture does not show. A verified
 * piece has nothing in flight.</li>
 * </ul>
 *
 * <p>Malformed text is refused with an {@link IllegalArgumentException} naming the line and what is
 * wrong. {@link TestSwarmView#toString()} prints a view back in this syntax.
 *
 * <p><b>Threading:</b> {@link #parse} is thread-safe; the views it makes are not.
 */
public final class SwarmViews {

    /** Piece length when the DSL has no {@code length} row: 256 KiB. */
    public static final int DEFAULT_PIECE_LENGTH = 256 * 1024;

    /** Longest peer name: a {@link PeerId} holds 16 bytes. */
    public static final int MAX_PEER_NAME = PeerId.LENGTH;

    /** Highest count a single {@code inflight} or {@code avail} cell can express ({@code z}). */
    public static final int MAX_CELL_COUNT = 35;

    private SwarmViews() {
    }

    /**
     * Parses the DSL into a fresh, mutable view.
     *
     * @throws IllegalArgumentException when the text is malformed; the message names the line
     */
    public static TestSwarmView parse(String dsl) {
        if (dsl == null) {
            throw new IllegalArgumentException("no swarm DSL: null");
        }
        return new Parser().parse(dsl);
    }

    /** The id of the peer a DSL names {@code name}: its ASCII bytes, padded with zeros to 16 bytes. */
    public static PeerId peerId(String name) {
        checkPeerName(name, 0);
        byte[] bytes = new byte[PeerId.LENGTH];
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, bytes, 0, ascii.length);
        return PeerId.of(bytes);
    }

    private static void checkPeerName(String name, int line) {
        boolean ok = name != null && !name.isEmpty() && name.length() <= MAX_PEER_NAME;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (!ok) {
            String message = "peer name must be 1.." + MAX_PEER_NAME + " characters of [A-Za-z0-9_-]: '" + name + "'";
            throw line > 0 ? error(line, message) : new IllegalArgumentException(message);
        }
    }

    static IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }

    /** One pass over the lines; rows are decoded as they come, cross-row rules are checked at the end. */
    private static final class Parser {
        private int pieces = -1;
        private String widthRow;
        private int widthLine;

        private boolean[] verified;
        private int verifiedLine;
        private int[] inFlight;
        private int inFlightLine;
        private int[] availability;
        private int availabilityLine;
        private int playhead = -1;
        private int playheadLine;
        private int pieceLength = DEFAULT_PIECE_LENGTH;
        private int lengthLine;
        private final List<TestSwarmView.Peer> peers = new ArrayList<>();
        private final List<Integer> peerLines = new ArrayList<>();
        private final Set<String> peerNames = new HashSet<>();

        TestSwarmView parse(String dsl) {
            String[] lines = dsl.split("\\R", -1);
            for (int i = 0; i < lines.length; i++) {
                String text = lines[i];
                int comment = text.indexOf("//");
                if (comment >= 0) {
                    text = text.substring(0, comment);
                }
                text = text.strip();
                if (!text.isEmpty()) {
                    row(i + 1, text);
                }
            }
            return build();
        }

        private void row(int line, String text) {
            String[] head = text.split("\\s+", 2);
            String keyword = head[0].toLowerCase(Locale.ROOT);
            String rest = head.length > 1 ? head[1] : "";
            switch (keyword) {
                case "verified" -> {
                    verifiedLine = once(keyword, verifiedLine, line);
                    String cells = cells(keyword, rest, line);
                    verified = new boolean[cells.length()];
                    for (int p = 0; p < cells.length(); p++) {
                        char c = cells.charAt(p);
                        if (c != '#' && c != '.') {
                            throw badCell(line, keyword, p, c, "'#' (verified) or '.' (missing)");
                        }
                        verified[p] = c == '#';
                    }
                }
                case "inflight" -> {
                    inFlightLine = once(keyword, inFlightLine, line);
                    inFlight = counts(keyword, cells(keyword, rest, line), line);
                }
                case "avail" -> {
                    availabilityLine = once(keyword, availabilityLine, line);
                    availability = counts(keyword, cells(keyword, rest, line), line);
                }
                case "peer" -> peer(line, rest);
                case "playhead" -> {
                    playheadLine = once(keyword, playheadLine, line);
                    playhead = number(keyword, rest, line);
                }
                case "length" -> {
                    lengthLine = once(keyword, lengthLine, line);
                    pieceLength = number(keyword, rest, line);
                    if (pieceLength < 1 || pieceLength > PieceInfo.MAX_LENGTH) {
                        throw error(line, "length must be 1.." + PieceInfo.MAX_LENGTH + " bytes: " + pieceLength);
                    }
                }
                default -> throw error(line, "unknown row '" + head[0]
                        + "'; expected verified, inflight, avail, peer, playhead or length");
            }
        }

        private void peer(int line, String rest) {
            String[] parts = rest.split("\\s+", 3);
            if (parts.length < 2 || parts[0].isEmpty()) {
                throw error(line, "a peer row reads 'peer <name> <free slots> <cells>', got 'peer " + rest + "'");
            }
            String name = parts[0];
            checkPeerName(name, line);
            if (!peerNames.add(name)) {
                throw error(line, "peer " + name + " is declared twice");
            }
            int slots;
            try {
                slots = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw error(line, "peer " + name + ": free slots must be a number, got '" + parts[1]
                        + "'; a peer row reads 'peer <name> <free slots> <cells>'");
            }
            if (slots < 0) {
                throw error(line, "peer " + name + ": free slots must be >= 0: " + slots);
            }
            String cells = cells("peer " + name, parts.length > 2 ? parts[2] : "", line);
            boolean[] source = new boolean[cells.length()];
            boolean[] requested = new boolean[cells.length()];
            for (int p = 0; p < cells.length(); p++) {
                char c = Character.toLowerCase(cells.charAt(p));
                if (c != '.' && c != 'x' && c != 'r') {
                    throw badCell(line, "peer " + name, p, cells.charAt(p),
                            "'x' (source), 'r' (source, request in flight) or '.'");
                }
                source[p] = c != '.';
                requested[p] = c == 'r';
            }
            peers.add(new TestSwarmView.Peer(name, peerId(name), slots, source, requested));
            peerLines.add(line);
        }

        private static int once(String keyword, int previousLine, int line) {
            if (previousLine != 0) {
                throw error(line, "second '" + keyword + "' row (the first is on line " + previousLine + ")");
            }
            return line;
        }

        /** The cells of a row without whitespace, after checking the row's width against the others. */
        private String cells(String row, String rest, int line) {
            String cells = rest.replaceAll("\\s+", "");
            if (cells.isEmpty()) {
                throw error(line, "'" + row + "' has no cells");
            }
            if (pieces < 0) {
                pieces = cells.length();
                widthRow = row;
                widthLine = line;
            } else if (cells.length() != pieces) {
                throw error(line, "'" + row + "' has " + cells.length() + " pieces but '" + widthRow + "' on line "
                        + widthLine + " has " + pieces);
            }
            return cells;
        }

        private static int[] counts(String row, String cells, int line) {
            int[] counts = new int[cells.length()];
            for (int p = 0; p < cells.length(); p++) {
                char c = cells.charAt(p);
                int value = c == '.' ? 0 : c < 128 ? Character.digit(c, 36) : -1;
                if (value < 0) {
                    throw badCell(line, row, p, c, "'.', 0-9 or a-z (10-35)");
                }
                counts[p] = value;
            }
            return counts;
        }

        private static int number(String row, String rest, int line) {
            String value = rest.strip();
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw error(line, "'" + row + "' takes one whole number, got '" + value + "'");
            }
        }

        private static IllegalArgumentException badCell(int line, String row, int piece, char c, String expected) {
            return error(line, "'" + row + "': piece " + piece + " is '" + c + "'; expected " + expected);
        }

        private TestSwarmView build() {
            if (pieces < 0) {
                throw new IllegalArgumentException(
                        "no pieces: give at least one row with cells (verified, inflight, avail or peer)");
            }
            boolean[] verifiedPieces = verified != null ? verified : new boolean[pieces];
            int[] requestedCount = new int[pieces];
            int[] sourceCount = new int[pieces];
            for (TestSwarmView.Peer peer : peers) {
                for (int p = 0; p < pieces; p++) {
                    sourceCount[p] += peer.source(p) ? 1 : 0;
                    requestedCount[p] += peer.requested(p) ? 1 : 0;
                }
            }
            int[] inFlightPieces = inFlight != null ? inFlight : requestedCount;
            for (int p = 0; p < pieces; p++) {
                if (inFlightPieces[p] < requestedCount[p]) {
                    throw error(inFlightLine, "'inflight': piece " + p + " is " + inFlightPieces[p] + " but "
                            + requestedCount[p] + " peers have a request in flight ('r') for it");
                }
                if (verifiedPieces[p] && inFlightPieces[p] > 0) {
                    throw error(verifiedLine, "piece " + p + " is verified but has requests in flight (line "
                            + (inFlight != null ? inFlightLine : firstRequestLine(p)) + ")");
                }
            }
            if (playhead < -1 || playhead >= pieces) {
                throw error(playheadLine, "playhead must be -1 or a piece in 0.." + (pieces - 1) + ": " + playhead);
            }
            int[] availabilityPieces = availability != null ? availability : sourceCount;
            return new TestSwarmView(pieces, pieceLength, verifiedPieces, inFlightPieces, availabilityPieces, peers,
                    playhead);
        }

        private int firstRequestLine(int piece) {
            for (int i = 0; i < peers.size(); i++) {
                if (peers.get(i).requested(piece)) {
                    return peerLines.get(i);
                }
            }
            return 0;
        }
    }
}

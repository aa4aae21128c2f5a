package org.iceshare.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <tr><td>{@code first <piece>}</td><td>{@link TestSwarmView#firstPiece() firstPiece}: the pieces below it
 * have left the (live) window</td><td>{@code 0}</td></tr>
 * <tr><td>{@code live}</td><td>no value: {@link TestSwarmView#live() live} is true</td><td>a file</td></tr>
 * <tr><td>{@code deadline <ms>/piece [<offset>]}</td><td>a rule: the piece at the playhead is due in
 * {@code offset} ms (default 0), each later piece {@code ms} after the one before; pieces before the
 * playhead, or every piece when nobody plays, have no deadline</td><td>no deadlines</td></tr>
 * <tr><td>{@code deadline <value> <value> ...}</td><td>one value per piece, separated by whitespace:
 * the {@link TestSwarmView#deadlineMillis deadline} in ms (0 or less: late), or {@code .} for none</td>
 * <td>no deadlines</td></tr>
 * </table>
 *
 * <p>A peer row may give the peer's delivery time between the slots and the cells, as a whole number
 * followed by {@code ms}: {@code peer A 2 40ms xxxx} says A delivers one piece in 40 ms. The view then
 * answers {@link TestSwarmView#expectedMillis expectedMillis(A)} as the core does, from that rate and the
 * requests queued with the peer: {@code 40 * (1 + requests in flight to A)}, so it grows as a
 * scheduler places requests with A. Without a delivery time a peer's expected time is 0 (unknown).
 *
 * <pre>
 * avail     1111 1111
 * deadline  250/piece -100   // the piece at the playhead is 100 ms late, the next due in 150 ms, ...
 * peer S 1  40ms xxxx xxxx   // S: one free slot, delivers a piece in 40 ms
 * peer T 2  xxrx xxxx        // T: no delivery time given, expected time 0
 * playhead  2
 * first     1                // piece 0 left the live window
 * live
 * </pre>
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
 * <li>The columns below {@code first} still count in every row's width, but they are outside the
 * window: nothing may be in flight there, {@link TestSwarmView#missing() missing} does not count them,
 * and the view throws when a scheduler reads one of them (as it does past the end). The playhead may be
 * below {@code first} (a player that fell behind a live window).</li>
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

    /** A peer's delivery time in a peer row: a whole number of milliseconds, then the cells. */
    private static final Pattern DELIVERY = Pattern.compile("(\\d+)ms(?:\\s+(.*))?");

    /** The rule form of the {@code deadline} row: {@code <ms>/piece}, then an optional offset. */
    private static final Pattern DEADLINE_RULE = Pattern.compile("(-?\\d+)/piece(?:\\s+([+-]?\\d+))?");

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
        private int first;
        private int firstLine;
        private boolean live;
        private int liveLine;
        private TestSwarmView.Deadlines deadlines = TestSwarmView.Deadlines.NONE;
        private int deadlineLine;
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
                case "first" -> {
                    firstLine = once(keyword, firstLine, line);
                    first = number(keyword, rest, line);
                }
                case "live" -> {
                    liveLine = once(keyword, liveLine, line);
                    if (!rest.isEmpty()) {
                        throw error(line, "'live' takes no value, got '" + rest + "'");
                    }
                    live = true;
                }
                case "deadline" -> {
                    deadlineLine = once(keyword, deadlineLine, line);
                    deadlines = deadlines(rest, line);
                }
                default -> throw error(line, "unknown row '" + head[0]
                        + "'; expected verified, inflight, avail, peer, playhead, length, first, live or deadline");
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
            String text = parts.length > 2 ? parts[2] : "";
            long delivery = TestSwarmView.UNKNOWN;
            Matcher m = DELIVERY.matcher(text);
            if (m.matches()) {
                try {
                    delivery = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw error(line, "peer " + name + ": delivery time too large: " + m.group(1) + "ms");
                }
                text = m.group(2) == null ? "" : m.group(2);
            } else if (!text.isEmpty() && (Character.isDigit(text.charAt(0)) || text.charAt(0) == '-')) {
                throw error(line, "peer " + name + ": a delivery time reads '<whole number>ms', for example '40ms', "
                        + "got '" + text.split("\\s+", 2)[0] + "'");
            }
            String cells = cells("peer " + name, text, line);
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
            peers.add(new TestSwarmView.Peer(name, peerId(name), slots, source, requested, delivery));
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
            width(row, cells.length(), line);
            return cells;
        }

        /** Checks a row's number of pieces against the other rows; the first row with pieces sets it. */
        private void width(String row, int count, int line) {
            if (pieces < 0) {
                pieces = count;
                widthRow = row;
                widthLine = line;
            } else if (count != pieces) {
                throw error(line, "'" + row + "' has " + count + " pieces but '" + widthRow + "' on line "
                        + widthLine + " has " + pieces);
            }
        }

        /** The {@code deadline} row: a rule ({@code 250/piece [offset]}) or one value per piece. */
        private TestSwarmView.Deadlines deadlines(String rest, int line) {
            if (rest.isEmpty()) {
                throw error(line, "'deadline' has no values; it reads 'deadline <ms>/piece [<offset>]' or "
                        + "'deadline <ms or .> <ms or .> ...', one per piece");
            }
            Matcher rule = DEADLINE_RULE.matcher(rest);
            if (rule.matches()) {
                try {
                    long step = Long.parseLong(rule.group(1));
                    long offset = rule.group(2) == null ? 0 : Long.parseLong(rule.group(2));
                    return TestSwarmView.Deadlines.rule(step, offset);
                } catch (NumberFormatException e) {
                    throw error(line, "'deadline': number too large in '" + rest + "'");
                }
            }
            if (rest.contains("/")) {
                throw error(line, "'deadline': a rule reads '<ms>/piece [<offset>]', for example '250/piece -100', "
                        + "got '" + rest + "'");
            }
            String[] tokens = rest.split("\\s+");
            width("deadline", tokens.length, line);
            long[] values = new long[tokens.length];
            for (int p = 0; p < tokens.length; p++) {
                if (tokens[p].equals(".")) {
                    values[p] = Long.MAX_VALUE;
                    continue;
                }
                try {
                    values[p] = Long.parseLong(tokens[p]);
                } catch (NumberFormatException e) {
                    throw error(line, "'deadline': piece " + p + " is '" + tokens[p]
                            + "'; expected a whole number of ms or '.' (no deadline)");
                }
                if (values[p] == Long.MAX_VALUE) {
                    throw error(line, "'deadline': piece " + p + ": write '.' for no deadline");
                }
            }
            return TestSwarmView.Deadlines.values(values);
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
            if (first < 0 || first > pieces) {
                throw error(firstLine, "first must be a piece in 0.." + pieces + ": " + first);
            }
            for (int p = 0; p < first; p++) {
                if (inFlightPieces[p] > 0) {
                    throw error(firstLine, "piece " + p + " is below first " + first
                            + " (out of the window) but has requests in flight (line "
                            + (inFlight != null ? inFlightLine : firstRequestLine(p)) + ")");
                }
            }
            int[] availabilityPieces = availability != null ? availability : sourceCount;
            return new TestSwarmView(pieces, pieceLength, verifiedPieces, inFlightPieces, availabilityPieces, peers,
                    playhead, first, live, deadlines);
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

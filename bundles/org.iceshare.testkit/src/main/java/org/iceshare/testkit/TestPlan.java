package org.iceshare.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.PieceView;
import org.iceshare.api.planner.ServerChoice;
import org.iceshare.api.swarm.PeerId;

/**
 * A content as a tracker's {@link org.iceshare.api.planner.Planner} sees it, from a compact text picture:
 * one line per member, one column per piece, in the spirit of {@link SwarmViews}.
 *
 * <pre>
 * length  262144                                    // every piece's length (default 256 KiB)
 * member S source cap 4M              xxxxxxxx      // the source, declared cap 4 MiB/s
 * member A serving 2/4 rate 3M        xxxx....      // A serves 2 of its 4 slots, measured 3 MiB/s
 * member B rate 512K playhead 5       x.......      // B measured 512 KiB/s; its player is at piece 5
 * member C window 16 assigned 3       ........
 * seeding 1.......                                  // the source serves piece 0 to someone now
 * live                                              // a live stream (the default is a file)
 * </pre>
 *
 * <p>A member row: {@code member <name>}, then any of {@code source}, {@code unproven} (it fetched its pieces
 * under an assignment but has served nobody yet: when full, it counts in {@link ServerChoice#pending}, not
 * {@link ServerChoice#busy}), {@code serving <n>/<slots>} (default
 * 0/4), {@code rate <bytes/s>} (measured; default 0, unmeasured), {@code cap <bytes/s>} (declared; default 0),
 * {@code playhead <piece>} (default -1), {@code window <n>} (default 16), {@code assigned <n>} (default 0),
 * then the cells: {@code x} holds the piece, {@code .} not. Rates take a {@code K} or {@code M} suffix
 * (KiB, MiB). Each member serving {@code n} has {@code n} pieces' bytes queued. A piece's holders are the
 * members marked {@code x}; {@code seeding} gives a digit per piece (default 0). Blank lines and {@code //}
 * comments are ignored; a malformed line is refused with an {@link IllegalArgumentException} naming it.
 *
 * <p>{@link #choice} builds what the tracker would offer a planner, without its trust rules: every other
 * member holding the piece with a free slot, the source among them; the full ones counted busy or pending.
 *
 * <p><b>Threading:</b> not thread-safe; one test, one plan.
 */
public final class TestPlan implements ContentView {

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<MemberView> order = new ArrayList<>();
    private int[] seeding = new int[0];
    private int pieceLength = SwarmViews.DEFAULT_PIECE_LENGTH;
    private boolean live;
    private int pieces = -1;

    private TestPlan() {
    }

    /** Parses the picture. */
    public static TestPlan parse(String dsl) {
        TestPlan plan = new TestPlan();
        String[] lines = dsl.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int comment = line.indexOf("//");
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            try {
                plan.line(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (n + 1) + " '" + lines[n].trim() + "': " + e.getMessage(),
                        e);
            }
        }
        if (plan.pieces < 0) {
            throw new IllegalArgumentException("no member row: a plan needs at least one member");
        }
        if (plan.seeding.length == 0) {
            plan.seeding = new int[plan.pieces];
        }
        return plan;
    }

    private void line(String line) {
        String[] t = line.split("\\s+");
        switch (t[0].toLowerCase(Locale.ROOT)) {
            case "length" -> pieceLength = Integer.parseInt(t[1]);
            case "live" -> live = true;
            case "seeding" -> {
                String cells = String.join("", Arrays.copyOfRange(t, 1, t.length));
                width(cells.length());
                seeding = new int[cells.length()];
                for (int i = 0; i < seeding.length; i++) {
                    seeding[i] = cells.charAt(i) == '.' ? 0 : Character.digit(cells.charAt(i), 10);
                    if (seeding[i] < 0) {
                        throw new IllegalArgumentException("seeding cells are digits or '.'");
                    }
                }
            }
            case "member" -> member(t);
            default -> throw new IllegalArgumentException("unknown row " + t[0]);
        }
    }

    private void member(String[] t) {
        if (t.length < 3) {
            throw new IllegalArgumentException("member <name> [options] <cells>");
        }
        Member m = new Member(t[1]);
        int i = 2;
        StringBuilder cells = new StringBuilder();
        while (i < t.length) {
            String key = t[i].toLowerCase(Locale.ROOT);
            switch (key) {
                case "source" -> {
                    m.source = true;
                    i++;
                }
                case "unproven" -> {
                    m.unproven = true;
                    i++;
                }
                case "serving" -> {
                    String[] s = t[i + 1].split("/");
                    m.serving = Integer.parseInt(s[0]);
                    m.slots = Integer.parseInt(s[1]);
                    i += 2;
                }
                case "rate" -> {
                    m.rate = bytes(t[i + 1]);
                    i += 2;
                }
                case "cap" -> {
                    m.cap = (long) bytes(t[i + 1]);
                    i += 2;
                }
                case "playhead" -> {
                    m.playhead = Integer.parseInt(t[i + 1]);
                    i += 2;
                }
                case "window" -> {
                    m.window = Integer.parseInt(t[i + 1]);
                    i += 2;
                }
                case "assigned" -> {
                    m.assigned = Integer.parseInt(t[i + 1]);
                    i += 2;
                }
                default -> {
                    if (!t[i].matches("[x.]+")) {
                        throw new IllegalArgumentException("unknown member option " + t[i]);
                    }
                    cells.append(t[i]);
                    i++;
                }
            }
        }
        width(cells.length());
        m.holds = new boolean[cells.length()];
        for (int p = 0; p < cells.length(); p++) {
            m.holds[p] = cells.charAt(p) == 'x';
        }
        if (members.putIfAbsent(m.name, m) != null) {
            throw new IllegalArgumentException("member " + m.name + " twice");
        }
        order.add(m);
    }

    private void width(int w) {
        if (w == 0) {
            throw new IllegalArgumentException("no cells");
        }
        if (pieces >= 0 && pieces != w) {
            throw new IllegalArgumentException(w + " cells where the rows above have " + pieces);
        }
        pieces = w;
    }

    private static double bytes(String v) {
        String s = v.toUpperCase(Locale.ROOT);
        double unit = s.endsWith("M") ? 1 << 20 : s.endsWith("K") ? 1 << 10 : 1;
        return Double.parseDouble(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    // ------------------------------------------------------------------ the views

    /** The member named so in the picture. */
    public MemberView member(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no member " + name + " in the plan");
        }
        return m;
    }

    /** How many pieces (columns) the picture has. */
    public int pieceCount() {
        return pieces;
    }

    /** The pieces {@code member} lacks, in index order: what the tracker would ask a planner to order. */
    public int[] wanted(String member) {
        MemberView m = member(member);
        return java.util.stream.IntStream.range(0, pieces)
                .filter(p -> !m.holds(p) && (live || piece(p).holders() > 0)).toArray();
    }

    /**
     * What the tracker would offer a planner for giving {@code piece} to {@code member}: every other member
     * holding it with a free slot (the source too), in the picture's order; the others holding it counted busy.
     */
    public ServerChoice choice(String member, int piece, boolean urgent) {
        MemberView m = member(member);
        List<MemberView> free = new ArrayList<>();
        int busy = 0;
        int pending = 0;
        for (MemberView h : order) {
            if (h == m || !h.holds(piece)) {
                continue;
            }
            if (h.serving() < h.slots(pieceLength)) {
                free.add(h);
            } else if (((Member) h).unproven) {
                pending++;
            } else if (!h.source()) {
                busy++;
            }
        }
        return new Choice(this, m, piece(piece), Collections.unmodifiableList(free), busy, pending, urgent);
    }

    /** {@link #choice(String, int, boolean)}, no player waiting. */
    public ServerChoice choice(String member, int piece) {
        return choice(member, piece, false);
    }

    private record Choice(ContentView content, MemberView member, PieceView piece, List<MemberView> free, int busy,
            int pending, boolean urgent) implements ServerChoice {
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public int pieceLength() {
        return pieceLength;
    }

    @Override
    public PieceView piece(int index) {
        if (index < 0 || index >= pieces) {
            return null;
        }
        int holders = 0;
        for (Member m : members.values()) {
            holders += m.holds[index] ? 1 : 0;
        }
        return new Piece(index, pieceLength, holders, seeding[index]);
    }

    private record Piece(int index, int length, int holders, int seeding) implements PieceView {
    }

    @Override
    public List<MemberView> members() {
        return Collections.unmodifiableList(order);
    }

    /** A member as the picture says; its id is {@link SwarmViews#peerId} of its name. */
    private final class Member implements MemberView {
        final String name;
        final PeerId id;
        boolean source;
        boolean unproven;
        int serving;
        int slots = 4;
        double rate;
        long cap;
        int playhead = -1;
        int window = 16;
        int assigned;
        boolean[] holds;

        Member(String name) {
            this.name = name;
            this.id = SwarmViews.peerId(name);
        }

        @Override
        public PeerId id() {
            return id;
        }

        @Override
        public boolean source() {
            return source;
        }

        @Override
        public boolean holds(int piece) {
            return piece >= 0 && piece < holds.length && holds[piece];
        }

        @Override
        public int assigned() {
            return assigned;
        }

        @Override
        public int window() {
            return window;
        }

        @Override
        public int playhead() {
            return playhead;
        }

        @Override
        public long uploadCap() {
            return cap;
        }

        @Override
        public double measuredUploadRate() {
            return rate;
        }

        @Override
        public int serving() {
            return serving;
        }

        @Override
        public long servingBytes() {
            return (long) serving * pieceLength;
        }

        @Override
        public int slots(int length) {
            return slots;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}

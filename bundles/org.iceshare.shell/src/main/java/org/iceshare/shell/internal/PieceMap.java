package org.iceshare.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A compact piece map: one character per piece, saying how many peers hold it, wrapped in rows that
 * start with the index of their first piece and are framed by {@code |} (so pieces nobody holds, shown
 * as blanks, stay visible at the end of a row). Plain logic, tested without OSGi.
 */
final class PieceMap {
    /** Pieces per row when the terminal's width is unknown. */
    static final int DEFAULT_COLUMNS = 64;
    /** The widest row, whatever the terminal. */
    static final int MAX_COLUMNS = 256;
    private static final int MIN_COLUMNS = 8;

    /** How counts become characters. */
    enum Style {
        /** {@code ' '} none, {@code '.'} 1, {@code ':'} 2-3, {@code '#'} 4 or more. */
        SYMBOLS,
        /** The count itself: {@code 0-9}, then {@code a-z} for 10-35, {@code '+'} above. */
        DIGITS
    }

    private PieceMap() {
    }

    static char symbol(int holders, Style style) {
        if (style == Style.DIGITS) {
            if (holders < 0) {
                return '?';
            }
            if (holders < 10) {
                return (char) ('0' + holders);
            }
            return holders < 36 ? (char) ('a' + holders - 10) : '+';
        }
        if (holders <= 0) {
            return ' ';
        }
        if (holders == 1) {
            return '.';
        }
        return holders <= 3 ? ':' : '#';
    }

    static String legend(Style style) {
        return style == Style.DIGITS
                ? "Legend: peers holding the piece, 0-9, a-z for 10-35, + for more"
                : "Legend: ' ' no peer  '.' 1 peer  ':' 2-3 peers  '#' 4 or more";
    }

    /**
     * Pieces per row for a terminal {@code width} characters wide (0 or less: unknown, then
     * {@value #DEFAULT_COLUMNS}), leaving room for the index and the frame of a map of
     * {@code pieces} pieces. A multiple of 8 when there is room for one, so columns line up with
     * round indices.
     */
    static int columns(int width, int pieces) {
        if (width <= 0) {
            return DEFAULT_COLUMNS;
        }
        int room = width - indexWidth(pieces) - 3;
        if (room >= MIN_COLUMNS) {
            room -= room % MIN_COLUMNS;
        }
        return Math.max(MIN_COLUMNS, Math.min(MAX_COLUMNS, room));
    }

    /** The rows of the map, {@code columns} pieces each (the last one may be shorter). */
    static List<String> rows(int[] holders, int columns, Style style) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1: " + columns);
        }
        int width = indexWidth(holders.length);
        List<String> out = new ArrayList<>();
        for (int first = 0; first < holders.length; first += columns) {
            int end = Math.min(holders.length, first + columns);
            StringBuilder sb = new StringBuilder(width + 3 + end - first);
            String index = Integer.toString(first);
            sb.append(" ".repeat(width - index.length())).append(index).append(" |");
            for (int i = first; i < end; i++) {
                sb.append(symbol(holders[i], style));
            }
            out.add(sb.append('|').toString());
        }
        return out;
    }

    /**
     * One line on the spread: the least and most peers any piece has, the mean, and the pieces no
     * peer holds.
     */
    static String summary(int[] holders) {
        if (holders.length == 0) {
            return "no pieces";
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        long sum = 0;
        int missing = 0;
        for (int h : holders) {
            min = Math.min(min, h);
            max = Math.max(max, h);
            sum += h;
            if (h <= 0) {
                missing++;
            }
        }
        return String.format(Locale.ROOT, "%d pieces, held by %d to %d peers (mean %.1f)%s", holders.length,
                Math.max(0, min), max, (double) sum / holders.length,
                missing == 0 ? "" : ", " + missing + " held by no peer");
    }

    private static int indexWidth(int pieces) {
        return Integer.toString(Math.max(0, pieces - 1)).length();
    }
}

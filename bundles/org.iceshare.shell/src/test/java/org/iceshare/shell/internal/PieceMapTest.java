package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.iceshare.shell.internal.PieceMap.Style;
import org.junit.jupiter.api.Test;

class PieceMapTest {

    @Test
    void symbolsGroupTheCounts() {
        StringBuilder sb = new StringBuilder();
        for (int holders = 0; holders <= 6; holders++) {
            sb.append(PieceMap.symbol(holders, Style.SYMBOLS));
        }
        assertThat(sb).hasToString(" .::###");
        assertThat(PieceMap.symbol(1000, Style.SYMBOLS)).isEqualTo('#');
    }

    @Test
    void digitsShowTheCountUpTo35() {
        assertThat(PieceMap.symbol(0, Style.DIGITS)).isEqualTo('0');
        assertThat(PieceMap.symbol(9, Style.DIGITS)).isEqualTo('9');
        assertThat(PieceMap.symbol(10, Style.DIGITS)).isEqualTo('a');
        assertThat(PieceMap.symbol(35, Style.DIGITS)).isEqualTo('z');
        assertThat(PieceMap.symbol(36, Style.DIGITS)).isEqualTo('+');
    }

    @Test
    void rowsWrapWithTheFirstIndexAndAFrame() {
        int[] holders = {0, 1, 2, 3, 4, 0, 1, 5, 2, 0};
        assertThat(PieceMap.rows(holders, 4, Style.SYMBOLS)).containsExactly(
                "0 | .::|",
                "4 |# .#|",
                "8 |: |");
        assertThat(PieceMap.rows(holders, 64, Style.DIGITS)).containsExactly("0 |0123401520|");
    }

    @Test
    void indicesAreRightAligned() {
        int[] holders = new int[130];
        java.util.Arrays.fill(holders, 1);
        assertThat(PieceMap.rows(holders, 64, Style.SYMBOLS)).extracting(r -> r.substring(0, 5))
                .containsExactly("  0 |", " 64 |", "128 |");
        assertThat(PieceMap.rows(holders, 64, Style.SYMBOLS).get(2)).isEqualTo("128 |..|");
    }

    @Test
    void anEmptyMapHasNoRows() {
        assertThat(PieceMap.rows(new int[0], 64, Style.SYMBOLS)).isEmpty();
        assertThat(PieceMap.summary(new int[0])).isEqualTo("no pieces");
        assertThatThrownBy(() -> PieceMap.rows(new int[1], 0, Style.SYMBOLS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void columnsFollowTheTerminalOr64() {
        assertThat(PieceMap.columns(0, 1000)).isEqualTo(64);
        assertThat(PieceMap.columns(-1, 1000)).isEqualTo(64);
        // 80 wide, 3-digit indices: 80 - 3 - 3 = 74, down to a multiple of 8
        assertThat(PieceMap.columns(80, 1000)).isEqualTo(72);
        assertThat(PieceMap.columns(10_000, 1000)).isEqualTo(PieceMap.MAX_COLUMNS);
        assertThat(PieceMap.columns(5, 10)).isEqualTo(8);
        for (int width = 20; width < 300; width++) {
            int columns = PieceMap.columns(width, 5000);
            String row = PieceMap.rows(new int[5000], columns, Style.SYMBOLS).get(0);
            assertThat(row.length()).as("row at width %d", width).isLessThanOrEqualTo(width);
        }
    }

    @Test
    void summarySaysTheSpreadAndTheMissing() {
        assertThat(PieceMap.summary(new int[] {4, 4, 1, 0})).isEqualTo(
                "4 pieces, held by 0 to 4 peers (mean 2.3), 1 held by no peer");
        assertThat(PieceMap.summary(new int[] {2, 2})).isEqualTo("2 pieces, held by 2 to 2 peers (mean 2.0)");
    }

    @Test
    void legendsNameEverySymbol() {
        assertThat(PieceMap.legend(Style.SYMBOLS)).contains("' ' no peer", "'.' 1", "':' 2-3", "'#' 4 or more");
        assertThat(PieceMap.legend(Style.DIGITS)).contains("0-9", "a-z");
    }
}

package org.iceshare.api.media;

import java.util.List;

/**
 * What a {@link LiveCutter} produced from some input.
 *
 * @param pieces the completed pieces, in order
 * @param skippedBytes input bytes dropped because they were corrupt or not part of a page
 * @param problems what was wrong, with stream offsets, for the log (empty when nothing was)
 * @since 1.2
 */
public record LiveCut(List<LivePiece> pieces, long skippedBytes, List<String> problems) {
    public LiveCut {
        pieces = List.copyOf(pieces);
        problems = List.copyOf(problems);
    }

    public static final LiveCut EMPTY = new LiveCut(List.of(), 0, List.of());
}

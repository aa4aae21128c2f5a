package org.iceshare.api.icet;

/**
 * A client tells the tracker its bandwidth: the caps it is configured with and the rates it measured
 * lately. The tracker plans with them: a capped peer is given fewer pieces to serve at once, and
 * among holders of a piece the one with the most room serves it. Sent after the Hello, again when a
 * cap changes, and every few seconds with fresh measurements. No answer.
 *
 * @param uploadCap upload cap in bytes per second, 0 for none
 * @param downloadCap download cap in bytes per second, 0 for none
 * @param uploadRate measured upload in bytes per second, over the last few seconds
 * @param downloadRate measured download in bytes per second, over the last few seconds
 * @since 1.3
 */
public record Rates(long uploadCap, long downloadCap, long uploadRate, long downloadRate) implements IcetMessage {
    public Rates {
        if (uploadCap < 0 || downloadCap < 0 || uploadRate < 0 || downloadRate < 0) {
            throw new IllegalArgumentException("rates must be >= 0");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RATES;
    }
}

package org.iceshare.core.internal.peer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;
import org.iceshare.api.verify.PieceVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of a live stream: numbers the pieces a live cutter produces, hashes them, keeps
 * them in the source's window and announces them to the tracker. Header pieces are not numbered:
 * they become the header block of their chain link, which travels with the link.
 *
 * <p><b>Threading:</b> {@link #piece} and {@link #onAir} may be called from any thread (in stream
 * order); the work happens on the peer's engine thread.
 */
final class LiveSourceFeed implements LiveFeed {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSourceFeed.class);

    private final PeerEngine engine;
    private final Swarm swarm;
    private final PieceVerifier verifier;
    private int nextIndex;
    private long offset;
    private int linkIndex = -1;
    private ByteArrayOutputStream headers;
    private String codecs = "";
    private long linkStartMicros = -1;
    private Announce.Link current;
    private boolean currentAnnounced;
    /** The latest out-of-band title changes, signed, sent again after a tracker reconnection. Engine thread. */
    private final java.util.ArrayDeque<Metadata> titles = new java.util.ArrayDeque<>();
    /** Title changes sent again to a tracker that reconnects (and so to the members who join after). */
    static final int RESENT_TITLES = 4;
    /** The first IceT version that carries {@link Metadata}. */
    static final int METADATA_VERSION = 6;
    private volatile long streamed;
    private volatile long pieces;

    LiveSourceFeed(PeerEngine engine, Swarm swarm, PieceVerifier verifier) {
        this.engine = engine;
        this.swarm = swarm;
        this.verifier = verifier;
    }

    @Override
    public IcetUrl url() {
        return swarm.url;
    }

    @Override
    public ContentId content() {
        return swarm.manifest.id();
    }

    @Override
    public void piece(LivePiece piece) {
        long cut = System.currentTimeMillis();
        engine.execute(() -> onPiece(piece, cut));
    }

    private void onPiece(LivePiece lp, long cutMillis) {
        ByteBuffer data = lp.data();
        int length = data.remaining();
        streamed += length;
        if (lp.header()) {
            if (lp.linkStart() || headers == null) {
                headers = new ByteArrayOutputStream();
                linkIndex++;
                codecs = lp.codecs();
                linkStartMicros = -1;
            }
            byte[] b = new byte[length];
            data.get(b);
            headers.write(b, 0, b.length);
            return;
        }
        if (headers != null) {
            // the first data piece of a link: its header block is complete
            linkStartMicros = lp.startMicros();
            ChainLink link = new ChainLink(linkIndex, nextIndex, 0, linkStartMicros, -1, codecs);
            ByteBuffer block = ByteBuffer.wrap(headers.toByteArray());
            current = new Announce.Link(link, block).signed(engine.sign(Signatures.liveLink(content(), link, block)));
            swarm.window.link(link, current.headers());
            headers = null;
            currentAnnounced = false;
            LOG.info("{}: chain link {} starts at piece {} ({}, {} header bytes)", swarm.manifest.name(), linkIndex,
                    nextIndex, codecs, current.headers().remaining());
        }
        if (current == null) {
            LOG.warn("{}: a data piece came before any header pages; dropped", swarm.manifest.name());
            return;
        }
        PieceInfo info = new PieceInfo(nextIndex, offset, length, verifier.digest(data), lp.startMicros(),
                lp.endMicros(), lp.startPoint(), linkIndex);
        swarm.window.announce(info, cutMillis);
        swarm.window.write(nextIndex, data);
        swarm.state.extend(nextIndex + 1);
        nextIndex++;
        offset += length;
        pieces++;
        swarm.onAir = true;
        Announce.Link link = currentAnnounced ? current.withoutHeaders() : current;
        currentAnnounced = true;
        swarm.tracker.send(new Announce(swarm.manifest.id(), List.of(signed(info, cutMillis)), List.of(link), true));
        swarm.slideWindow();
    }

    /**
     * An entry signed with this source's key (the key that signed the stream's manifest): peers accept a
     * piece hash only with it, so the tracker cannot announce pieces the source did not cut. One Ed25519
     * signature per piece; a live stream cuts a few pieces a second at most.
     */
    private Announce.Entry signed(PieceInfo info, long cutMillis) {
        return new Announce.Entry(info, cutMillis).signed(engine.sign(Signatures.livePiece(content(), info)));
    }

    /** After the tracker connection came back: announce the whole window again, headers included. Engine thread. */
    void reannounce() {
        if (current == null) {
            return;
        }
        List<Announce.Entry> entries = new ArrayList<>();
        List<Announce.Link> links = new ArrayList<>();
        for (int i = swarm.window.firstPiece(); i < swarm.window.end(); i++) {
            PieceInfo info = swarm.window.info(i);
            if (info != null) {
                entries.add(signed(info, swarm.window.cutMillis(i)));
                var l = swarm.window.link(info.link());
                if (l != null && links.stream().noneMatch(x -> x.link().index() == info.link())) {
                    links.add(new Announce.Link(l.link(), l.headers()).signed(engine.sign(Signatures.liveLink(
                            content(), l.link(), l.headers()))));
                }
            }
            if (entries.size() == Announce.MAX_ENTRIES) {
                swarm.tracker.send(new Announce(swarm.manifest.id(), entries, links, swarm.onAir));
                entries = new ArrayList<>();
            }
        }
        swarm.tracker.send(new Announce(swarm.manifest.id(), entries, links, swarm.onAir));
        if (swarm.tracker.version() >= METADATA_VERSION) {
            titles.forEach(swarm.tracker::send);
        }
    }

    @Override
    public void metadata(long micros, String title, String artist) {
        Metadata unsigned = new Metadata(content(), micros, title, artist); // checks the arguments here
        engine.execute(() -> {
            Metadata m = unsigned.signed(engine.sign(unsigned.signable()));
            titles.addLast(m);
            while (titles.size() > RESENT_TITLES) {
                titles.removeFirst();
            }
            swarm.window.titleChange(new org.iceshare.core.internal.storage.LiveWindow.TitleChange(micros, title,
                    artist));
            int version = swarm.tracker.version();
            if (version >= METADATA_VERSION) {
                swarm.tracker.send(m);
            } else if (version > 0) {
                LOG.warn("{}: title '{}' not sent: the tracker speaks IceT {}, title changes need {}",
                        swarm.manifest.name(), title, version, METADATA_VERSION);
            } // not connected: sent with the window when the tracker connection is back (reannounce)
            LOG.debug("{}: title '{}'{} at {} s on the stream's timeline", swarm.manifest.name(), title,
                    artist.isEmpty() ? "" : " by '" + artist + "'", micros / 1e6);
        });
    }

    @Override
    public void onAir(boolean onAir, String reason) {
        engine.execute(() -> {
            if (swarm.onAir == onAir) {
                return;
            }
            swarm.onAir = onAir;
            LOG.info("{}: {} ({})", swarm.manifest.name(), onAir ? "on air" : "off air", reason);
            if (!onAir) {
                swarm.tracker.send(new Announce(swarm.manifest.id(), List.of(), List.of(), false));
            }
        });
    }

    @Override
    public long uploaded() {
        return swarm.uploaded;
    }

    @Override
    public long streamed() {
        return streamed;
    }

    /** Pieces cut so far. */
    long pieces() {
        return pieces;
    }

    @Override
    public void close() {
        engine.stop(swarm.manifest.id());
    }
}

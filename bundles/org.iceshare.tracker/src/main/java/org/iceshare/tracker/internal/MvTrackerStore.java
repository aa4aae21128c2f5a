package org.iceshare.tracker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.Framing;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrackerStore} in one H2 MVStore file ({@code tracker.mv}): an append-only, copy-on-write store whose
 * file always opens at its last complete commit, so a process killed in the middle of a write comes back
 * with everything committed before it.
 *
 * <p>Maps: {@code names} (name: owner id, content id, live|file), {@code manifests} (name: the manifest as
 * the IceT PUBLISH frame the publisher sent, so the wire format is the storage format), {@code ratios}
 * (peer id: uploaded and downloaded bytes), {@code bans} ("content peer": when, in ms since the epoch),
 * {@code meta} (format version).
 *
 * <p>{@link #publish} and {@link #ban} commit and force the file to the disk before they return. {@link #flush}
 * hands the staged ratios to a writer thread, which puts and commits them at once (not forced to the disk);
 * MVStore's own background writer compacts the file.
 */
final class MvTrackerStore implements TrackerStore {
    private static final Logger LOG = LoggerFactory.getLogger(MvTrackerStore.class);
    static final String FILE = "tracker.mv";
    private static final String FORMAT = "1";

    private final Path file;
    private final MVStore store;
    private final MVMap<String, String> names;
    private final MVMap<String, byte[]> manifests;
    private final MVMap<String, byte[]> ratios;
    private final MVMap<String, Long> bans;
    /** Ratios changed since the last flush (tracker thread). */
    private Map<PeerId, long[]> staged = new HashMap<>();
    /** Ratios flushed and not yet taken by the writer thread; whether a write is queued. Guarded by this. */
    private Map<PeerId, long[]> pending = new HashMap<>();
    private boolean writing;
    private volatile String writeFailure;
    /** Writes and commits the flushed ratios, off the tracker's thread. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "iceshare-tracker-store");
        t.setDaemon(true);
        return t;
    });

    private MvTrackerStore(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.names = store.openMap("names");
        this.manifests = store.openMap("manifests");
        this.ratios = store.openMap("ratios");
        this.bans = store.openMap("bans");
    }

    /**
     * Opens (or creates) the store in {@code folder}.
     *
     * @throws Unreadable when the file cannot be opened: locked by another process, corrupt, or of another
     *         format; the message names the file and the ways out
     */
    static MvTrackerStore open(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(FILE);
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).open();
        } catch (RuntimeException e) {
            throw new Unreadable(unreadable(file, e.getMessage()), e);
        }
        try {
            MVMap<String, String> meta = store.openMap("meta");
            String format = meta.putIfAbsent("format", FORMAT);
            if (format != null && !format.equals(FORMAT)) {
                throw new IllegalStateException("format " + format + ", this tracker reads format " + FORMAT);
            }
            MvTrackerStore s = new MvTrackerStore(file, store);
            store.commit();
            return s;
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw new Unreadable(unreadable(file, e.getMessage()), e);
        }
    }

    private static String unreadable(Path file, String why) {
        return "the tracker's state store " + file + " cannot be opened (" + why + "). If another tracker uses "
                + "this folder, stop it or give this one its own state folder. Otherwise restore the file from a "
                + "backup, or roll it back to its last good version with 'java -cp h2-mvstore-*.jar "
                + "org.h2.mvstore.MVStoreTool -repair " + file + "', or move it aside to start with no state "
                + "(see the operator guide, 'Tracker state')";
    }

    @Override
    public Snapshot load() {
        Map<String, Owner> n = new HashMap<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            try {
                String[] f = e.getValue().split(" ");
                if (f.length != 3) {
                    throw new IllegalArgumentException("expected: owner content live|file");
                }
                n.put(Manifest.checkName(e.getKey()), new Owner(PeerId.parse(f[0]), ContentId.parse(f[1]),
                        f[2].equals("live")));
            } catch (IllegalArgumentException ex) {
                LOG.warn("tracker: skipping the stored owner of '{}' in {}: {}", e.getKey(), file, ex.getMessage());
            }
        }
        Map<String, Manifest> m = new HashMap<>();
        for (Map.Entry<String, byte[]> e : manifests.entrySet()) {
            ByteBuffer frame = ByteBuffer.wrap(e.getValue());
            frame.position(Framing.LENGTH_FIELD_SIZE);
            DecodeResult r = IcetCodec.decode(frame);
            if (r instanceof DecodeResult.Decoded d && d.message() instanceof Publish p) {
                m.put(e.getKey(), p.manifest());
            } else {
                LOG.warn("tracker: skipping the stored manifest of '{}' in {}: {}", e.getKey(), file, r);
            }
        }
        Map<PeerId, long[]> r = new HashMap<>();
        for (Map.Entry<String, byte[]> e : ratios.entrySet()) {
            try {
                ByteBuffer b = ByteBuffer.wrap(e.getValue());
                r.put(PeerId.parse(e.getKey()), new long[] {b.getLong(), b.getLong()});
            } catch (RuntimeException ex) {
                LOG.warn("tracker: skipping the stored ratio of '{}' in {}: {}", e.getKey(), file, ex.toString());
            }
        }
        Map<ContentId, Set<PeerId>> b = new HashMap<>();
        for (String key : bans.keySet()) {
            try {
                String[] f = key.split(" ");
                b.computeIfAbsent(ContentId.parse(f[0]), k -> new HashSet<>()).add(PeerId.parse(f[1]));
            } catch (RuntimeException ex) {
                LOG.warn("tracker: skipping the stored ban '{}' in {}: {}", key, file, ex.toString());
            }
        }
        LOG.info("tracker: state from {}: {} names, {} manifests, {} peers' ratios, bans in {} contents", file,
                n.size(), m.size(), r.size(), b.size());
        return new Snapshot(n, m, r, b);
    }

    @Override
    public void publish(String name, Owner owner, Manifest manifest) throws IOException {
        try {
            if (manifest != null) {
                byte[] old = manifests.get(name);
                ByteBuffer frame = IcetCodec.encode(new Publish(manifest)).copy();
                byte[] bytes = new byte[frame.remaining()];
                frame.get(bytes);
                manifests.put(name, bytes);
                if (old != null) {
                    dropBansOfOthers(name, old, manifest.id());
                }
            }
            names.put(name, owner.owner().toHex() + " " + owner.content().toHex() + " "
                    + (owner.live() ? "live" : "file"));
            durable();
        } catch (RuntimeException e) {
            throw new IOException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    /** A name now carries another content: the bans of the one it replaced go (they name its id). */
    private void dropBansOfOthers(String name, byte[] oldFrame, ContentId now) {
        ByteBuffer b = ByteBuffer.wrap(oldFrame);
        b.position(Framing.LENGTH_FIELD_SIZE);
        if (!(IcetCodec.decode(b) instanceof DecodeResult.Decoded d && d.message() instanceof Publish p)
                || p.manifest().id().equals(now)) {
            return;
        }
        String prefix = p.manifest().id().toHex() + " ";
        List<String> drop = new ArrayList<>();
        for (Iterator<String> it = bans.keyIterator(prefix); it.hasNext();) {
            String key = it.next();
            if (!key.startsWith(prefix)) {
                break;
            }
            drop.add(key);
        }
        drop.forEach(bans::remove);
        LOG.info("tracker: {} now carries {}; dropped {} bans of the content it replaced", name, now, drop.size());
    }

    @Override
    public void ban(ContentId content, PeerId peer) throws IOException {
        try {
            bans.put(content.toHex() + " " + peer.toHex(), System.currentTimeMillis());
            durable();
        } catch (RuntimeException e) {
            throw new IOException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void ratio(PeerId peer, long uploaded, long downloaded) {
        staged.put(peer, new long[] {uploaded, downloaded});
    }

    @Override
    public void flush() throws IOException {
        String failed = writeFailure;
        if (failed != null) {
            writeFailure = null;
            throw new IOException("cannot write the ratios to " + file + ": " + failed);
        }
        if (staged.isEmpty()) {
            return;
        }
        boolean submit;
        synchronized (this) {
            if (pending.isEmpty()) {
                // the usual case (the writer took the last batch): hand the map over, no copy
                Map<PeerId, long[]> empty = pending;
                pending = staged;
                staged = empty;
            } else {
                pending.putAll(staged);
                staged.clear();
            }
            submit = !writing;
            writing = true;
        }
        if (submit) {
            writer.execute(this::writePending);
        }
    }

    /**
     * Writes and commits the ratios handed over so far, on the writer thread: a commit of 10,000 changed
     * ratios took up to 0.8 s on a busy machine, which the tracker's thread must not wait for.
     */
    private void writePending() {
        Map<PeerId, long[]> batch;
        synchronized (this) {
            batch = pending;
            pending = new HashMap<>();
            writing = false;
        }
        try {
            for (Map.Entry<PeerId, long[]> e : batch.entrySet()) {
                ratios.put(e.getKey().toHex(), ByteBuffer.allocate(16).putLong(e.getValue()[0])
                        .putLong(e.getValue()[1]).array());
            }
            store.commit();
        } catch (RuntimeException e) {
            writeFailure = e.toString();
        }
    }

    /** Commits what is pending and forces the file to the disk. */
    private void durable() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() throws IOException {
        if (store.isClosed()) {
            return;
        }
        try {
            flush();
            writer.shutdown();
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("tracker: the ratios were still being written to {} after 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // close() commits, compacts for a short while and releases the file lock
            store.close();
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

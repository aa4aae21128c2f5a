package org.iceshare.webconsole.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;

/**
 * What the page's forms and selectors do (the POST endpoints): select a scheduler, put a transport first
 * in the peers' preference, publish a file on the server, fetch an {@code icet://} URL. Every input is checked first; a bad one is refused with
 * 400 and a message, and nothing is changed.
 *
 * <p><b>Threading:</b> thread-safe. {@link #publish} and {@link #get} block the request thread until
 * the peer answers or the timeout passes (the operation then goes on in the peer).
 */
final class Actions {
    static final int MAX_PATH = 4096;
    /** The reason a peer refused an operation (not a media file, unknown content, tracker unreachable). */
    static final int REFUSED = 422;
    /** The peer did not answer in time; the operation goes on. */
    static final int TIMED_OUT = 504;

    private final Services services;
    private final SchedulerSelection selection;
    private final TransportSelection transportSelection;

    Actions(Services services, SchedulerSelection selection, TransportSelection transportSelection) {
        this.services = services;
        this.selection = selection;
        this.transportSelection = transportSelection;
    }

    /** POST api/scheduler: kind ("file" or "streaming", default file) and name. */
    Json.Obj scheduler(String kind, String name) throws ApiException, IOException {
        List<String> installed = services.schedulers().stream().map(Services.Plugin::name).toList();
        SchedulerSelection.Selection now = selection.select(kind, name, installed);
        String which = kind == null || kind.isBlank() ? "file" : kind.trim().toLowerCase(java.util.Locale.ROOT);
        return Json.obj().with("file", now.file()).with("streaming", now.streaming())
                .with("message", which + " scheduler is now " + name.trim());
    }

    /**
     * POST api/transport: name and optional peer. Puts the transport first in the preference of every peer
     * configuration (or of the one named), the previous order after it; configurations where it is first
     * already are not written.
     */
    Json.Obj transport(String name, String peer) throws ApiException, IOException {
        List<String> installed = services.transports().stream().map(Services.Plugin::name).distinct().toList();
        List<TransportSelection.Change> changes = transportSelection.select(name, peer, installed);
        String n = name.trim();
        List<Object> peers = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (TransportSelection.Change c : changes) {
            peers.add(Json.obj().with("peer", c.peer()).with("before", String.join(",", c.before()))
                    .with("after", String.join(",", c.after())).with("changed", c.changed()));
            if (c.changed()) {
                changed.add(c.peer() + " (now " + String.join(",", c.after()) + ", was " + String.join(",", c.before())
                        + ")");
            }
        }
        String scope = peer == null || peer.isBlank() ? "every peer" : "peer " + peer.trim();
        String message = changed.isEmpty()
                ? n + " is already the first transport of " + scope + "; nothing written"
                : n + " is now the first transport of " + String.join(", ", changed) + "; open connections carry on "
                        + "and finish their pieces, new connections use " + n + " where the other side has it too";
        return Json.obj().with("name", n).with("changed", changed.size()).with("peers", peers)
                .with("message", message);
    }

    /** POST api/publish: file (an absolute path on the server), optional name and peer. */
    Json.Obj publish(String file, String name, String peerName, Duration timeout) throws ApiException {
        if (file == null || file.isBlank()) {
            throw ApiException.badRequest("file is required: the absolute path of a media file on the server");
        }
        if (file.length() > MAX_PATH || file.indexOf('\0') >= 0) {
            throw ApiException.badRequest("file is not a usable path (longer than " + MAX_PATH
                    + " characters or with a NUL)");
        }
        Path path;
        try {
            path = Path.of(file.trim());
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("file is not a valid path: " + e.getMessage());
        }
        if (!path.isAbsolute()) {
            throw ApiException.badRequest("file must be an absolute path on the server, got '" + file.trim() + "'");
        }
        if (!Files.isRegularFile(path)) {
            throw ApiException.badRequest("no such file on the server: " + path);
        }
        if (!Files.isReadable(path)) {
            throw ApiException.badRequest("the server cannot read " + path);
        }
        String publishName = null;
        if (name != null && !name.isBlank()) {
            try {
                publishName = Manifest.checkName(name.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        Peer peer = services.pickPeer(peerName);
        IcetUrl url = await(peer.publish(path, publishName, null), timeout,
                "publishing " + path + " takes longer than " + timeout.toSeconds()
                        + " s; it goes on, and the swarm list shows it once it is done");
        return Json.obj().with("peer", peer.name()).with("url", url.toString())
                .with("message", "published " + path.getFileName() + " as " + url);
    }

    /** POST api/get: url (icet://host[:port]/name) and optional peer. */
    Json.Obj get(String url, String peerName, Duration timeout) throws ApiException {
        IcetUrl icet;
        try {
            icet = IcetUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Peer peer = services.pickPeer(peerName);
        SwarmStatus status = await(peer.get(icet), timeout, "no answer from the tracker of " + icet + " within "
                + timeout.toSeconds() + " s");
        return ConsoleModel.swarm(peer, status, RateSampler.Rate.ZERO, null, null)
                .with("message", peer.name() + " joined " + icet + "; play it at " + status.playerUrl());
    }

    private static <T> T await(CompletionStage<T> stage, Duration timeout, String timeoutMessage)
            throws ApiException {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw new ApiException(REFUSED, reason(e));
        } catch (TimeoutException e) {
            throw new ApiException(TIMED_OUT, timeoutMessage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting for the peer");
        }
    }

    /** The innermost message of a failed stage. */
    static String reason(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}

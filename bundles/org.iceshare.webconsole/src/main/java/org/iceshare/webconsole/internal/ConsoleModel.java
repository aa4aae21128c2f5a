package org.iceshare.webconsole.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Refusals;

/**
 * What the page shows, as JSON objects built from snapshots of the API services: the swarms of every
 * peer with their rates, one swarm's piece availability and peers (with the transports of the local
 * peers' connections to them), the scheduler selection and the transports. Each call reads fresh snapshots; rates come from the {@link RateSampler}.
 *
 * <p><b>Threading:</b> thread-safe; the services' snapshot methods do not block for long.
 */
final class ConsoleModel {
    private final Services services;
    private final RateSampler sampler;
    private final SchedulerSelection selection;
    private final TransportSelection transportSelection;

    ConsoleModel(Services services, RateSampler sampler, SchedulerSelection selection,
            TransportSelection transportSelection) {
        this.services = services;
        this.sampler = sampler;
        this.selection = selection;
        this.transportSelection = transportSelection;
    }

    /**
     * GET api/swarms.json: every peer with its swarms, the tracker's contents, live sources, the rates and the
     * refusals.
     */
    Json.Obj swarms(long nowNanos, long epochMillis) {
        Tracker tracker = services.tracker();
        Map<ContentId, TrackedContent> tracked = new HashMap<>();
        List<TrackedContent> contents = tracker == null ? List.of() : tracker.contents();
        if (tracker != null) {
            for (TrackedContent c : contents) {
                tracked.put(c.id(), c);
            }
        }
        Map<IcetUrl, LiveStreamInfo> live = new HashMap<>();
        LiveSources sources = services.liveSources();
        List<LiveStreamInfo> streams = sources == null ? List.of() : sources.streams();
        for (LiveStreamInfo s : streams) {
            live.put(s.url(), s);
        }

        double up = 0;
        double down = 0;
        List<Object> peers = new ArrayList<>();
        for (Peer p : services.peers()) {
            List<Object> swarms = new ArrayList<>();
            for (SwarmStatus s : p.swarms()) {
                RateSampler.Rate r = sampler.rate("swarm:" + p.name() + ":" + s.content().toHex(), nowNanos,
                        s.uploaded(), s.downloaded());
                up += r.up();
                down += r.down();
                swarms.add(swarm(p, s, r, tracked.get(s.content()), live.get(s.url())));
            }
            peers.add(Json.obj()
                    .with("name", p.name())
                    .with("id", p.id().toHex())
                    .with("address", hostPort(p.address()))
                    .with("httpBase", p.httpBase() == null ? null : p.httpBase().toString())
                    .with("swarms", swarms));
        }
        RateSampler.Rate total = new RateSampler.Rate(up, down);
        sampler.record(nowNanos, epochMillis, total);

        List<Object> history = new ArrayList<>();
        for (RateSampler.Point pt : sampler.history()) {
            history.add(List.of(pt.epochMillis(), pt.up(), pt.down()));
        }
        Json.Obj out = Json.obj()
                .with("time", epochMillis)
                .with("rates", Json.obj().with("up", up).with("down", down))
                .with("history", history)
                .with("peers", peers);
        if (tracker != null) {
            List<Object> list = new ArrayList<>();
            for (TrackedContent c : contents) {
                list.add(tracked(c));
            }
            out.with("tracker", Json.obj().with("address", hostPort(tracker.address())).with("contents", list));
        } else {
            out.with("tracker", null);
        }
        if (sources != null) {
            List<Object> list = new ArrayList<>();
            for (LiveStreamInfo s : streams) {
                list.add(Json.obj().with("name", s.name()).with("url", s.url().toString()).with("input", s.input())
                        .with("onAir", s.onAir()).with("pieces", s.pieces()).with("streamed", s.streamed())
                        .with("uploaded", s.uploaded()).with("sourceUploadFactor", s.sourceUploadFactor())
                        .with("problems", s.problems()));
            }
            out.with("liveSources", list);
        } else {
            out.with("liveSources", null);
        }
        out.with("refusals", refusals(services.transportRefusals(), sources == null ? null : sources.pushRefusals(),
                tracker == null ? null : tracker.refusals()));
        return out;
    }

    /**
     * What was refused to protect the container, by reason: {@code total}, {@code transports} (by transport
     * name, each reason with its count), {@code push} (null without live sources) and {@code tracker} (null
     * without a tracker here).
     */
    static Json.Obj refusals(Map<String, Refusals> transports, Refusals push, Refusals tracker) {
        long total = 0;
        Json.Obj byTransport = Json.obj();
        for (Map.Entry<String, Refusals> e : transports.entrySet()) {
            byTransport.with(e.getKey(), counts(e.getValue()));
            total += e.getValue().total();
        }
        if (push != null) {
            total += push.total();
        }
        if (tracker != null) {
            total += tracker.total();
        }
        return Json.obj().with("total", total).with("transports", byTransport)
                .with("push", push == null ? null : counts(push))
                .with("tracker", tracker == null ? null : counts(tracker));
    }

    private static Json.Obj counts(Refusals r) {
        Json.Obj o = Json.obj();
        r.counts().forEach(o::with);
        return o;
    }

    static String hostPort(InetSocketAddress a) {
        return a == null ? null : a.getHostString() + ":" + a.getPort();
    }

    /** One swarm of one peer, as a row of the swarm table and the answer of POST api/get. */
    static Json.Obj swarm(Peer p, SwarmStatus s, RateSampler.Rate r, TrackedContent tracked, LiveStreamInfo live) {
        SwarmStatus.Quality q = s.quality();
        Double suf = null;
        if (live != null) {
            suf = live.sourceUploadFactor();
        } else if (tracked != null && tracked.length() > 0) {
            suf = tracked.sourceUploadFactor();
        }
        boolean played = s.live() || q.piecesDue() > 0;
        return Json.obj()
                .with("peer", p.name())
                .with("content", s.content().toHex())
                .with("name", s.url().name())
                .with("url", s.url().toString())
                .with("playerUrl", s.playerUrl() == null ? null : s.playerUrl().toString())
                .with("source", s.source())
                .with("state", s.state())
                .with("live", s.live())
                .with("verified", s.verified())
                .with("pieces", s.pieces())
                .with("progress", s.progress())
                .with("length", s.length())
                .with("connections", s.connections())
                .with("swarmPeers", tracked == null ? null : tracked.peers())
                .with("complete", tracked == null ? null : tracked.complete())
                .with("uploaded", s.uploaded())
                .with("downloaded", s.downloaded())
                .with("upRate", r.up())
                .with("downRate", r.down())
                .with("sourceUploadFactor", suf)
                .with("scheduler", s.scheduler())
                .with("requestsByScheduler", s.requestsByScheduler())
                .with("error", s.error())
                .with("played", played)
                .with("quality", Json.obj()
                        .with("continuity", q.continuity())
                        .with("piecesDue", q.piecesDue())
                        .with("piecesLate", q.piecesLate())
                        .with("startupMillis", q.startupMillis())
                        .with("latencyP50Millis", q.latencyP50Millis())
                        .with("latencyP95Millis", q.latencyP95Millis())
                        .with("onAir", q.onAir())
                        .with("bufferNeededMillis", q.bufferNeededMillis()));
    }

    private static Json.Obj tracked(TrackedContent c) {
        return Json.obj().with("content", c.id().toHex()).with("name", c.name()).with("length", c.length())
                .with("pieces", c.pieces()).with("peers", c.peers()).with("complete", c.complete())
                .with("sourceUploaded", c.sourceUploaded()).with("totalUploaded", c.totalUploaded())
                .with("sourceUploadFactor", c.sourceUploadFactor());
    }

    /**
     * GET api/swarm.json?content=HEX: the piece availability (how many peers hold each piece, from the
     * tracker) and the tracker's peers of one content with their rates and the transports the local peers'
     * connections to them use, plus what each local peer holds.
     *
     * @throws ApiException 400 for a malformed id, 404 when neither the tracker nor a local peer knows it
     */
    Json.Obj swarm(String contentHex, long nowNanos) throws ApiException {
        if (contentHex == null || contentHex.isBlank()) {
            throw ApiException.badRequest("content is required: the 32 hex digits of a content id");
        }
        ContentId id;
        try {
            id = ContentId.parse(contentHex.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("content must be the 32 hex digits of a content id: " + e.getMessage());
        }
        Map<PeerId, String> localNames = new HashMap<>();
        List<Object> local = new ArrayList<>();
        String name = null;
        Map<PeerId, Set<String>> transportsTo = new HashMap<>();
        for (Peer p : services.peers()) {
            localNames.put(p.id(), p.name());
            for (ConnectionInfo c : p.connections()) {
                if (c.peer() != null) {
                    transportsTo.computeIfAbsent(c.peer(), k -> new TreeSet<>()).add(c.transport());
                }
            }
            Optional<SwarmStatus> s = p.swarm(id);
            if (s.isPresent()) {
                name = s.get().url().name();
                local.add(Json.obj().with("peer", p.name()).with("state", s.get().state())
                        .with("verified", s.get().verified()).with("pieces", s.get().pieces())
                        .with("live", s.get().live()));
            }
        }
        Tracker tracker = services.tracker();
        TrackedContent content = null;
        if (tracker != null) {
            content = tracker.contents().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
        }
        if (content == null && local.isEmpty()) {
            throw ApiException.notFound("content " + id.toHex() + " is neither tracked here nor on a local peer");
        }
        Json.Obj out = Json.obj().with("content", id.toHex()).with("name", content != null ? content.name() : name)
                .with("tracked", content != null).with("local", local);
        if (content == null) {
            return out.with("pieces", null).with("availability", null).with("swarmPeers", null).with("peers",
                    List.of());
        }
        int[] availability = tracker.availability(id);
        List<Object> peers = new ArrayList<>();
        for (TrackedPeer tp : tracker.peers(id)) {
            RateSampler.Rate r = sampler.rate("tracked:" + id.toHex() + ":" + tp.id().toHex(), nowNanos,
                    tp.uploaded(), tp.downloaded());
            peers.add(Json.obj().with("id", tp.id().toHex()).with("shortId", tp.id().shortHex())
                    .with("local", localNames.get(tp.id())).with("address", tp.address())
                    .with("transports", List.copyOf(transportsTo.getOrDefault(tp.id(), Set.of())))
                    .with("source", tp.source()).with("pieces", tp.pieces()).with("uploaded", tp.uploaded())
                    .with("downloaded", tp.downloaded()).with("ratio", tp.ratio()).with("uploadCap", tp.uploadCap())
                    .with("reportedUploadRate", tp.uploadRate()).with("banned", tp.banned())
                    .with("upRate", r.up()).with("downRate", r.down()));
        }
        return out.with("pieces", availability.length).with("availability", availability)
                .with("swarmPeers", content.peers()).with("peers", peers);
    }

    /** GET api/schedulers.json: the installed schedulers and the selection. */
    Json.Obj schedulers() throws IOException {
        SchedulerSelection.Selection current = selection.current();
        List<Object> installed = new ArrayList<>();
        for (Services.Plugin p : services.schedulers()) {
            installed.add(Json.obj().with("name", p.name()).with("ranking", p.ranking()));
        }
        return Json.obj().with("installed", installed).with("file", current.file())
                .with("streaming", current.streaming()).with("pid", SchedulerSelection.PID);
    }

    /**
     * GET api/transports.json: the installed transports; per peer (every peer configuration and every
     * running peer) its transport preference, the transport a new connection tries first, where it
     * listens and its open connections counted per transport; and the tracker, which listens on every
     * installed transport.
     */
    Json.Obj transports() throws IOException {
        List<Services.Plugin> plugins = services.transports();
        List<String> installedNames = plugins.stream().map(Services.Plugin::name).distinct().toList();
        List<Object> installed = new ArrayList<>();
        for (Services.Plugin p : plugins) {
            installed.add(Json.obj().with("name", p.name()).with("ranking", p.ranking()));
        }
        Map<String, List<String>> preferences = new TreeMap<>();
        for (TransportSelection.Preference p : transportSelection.current()) {
            preferences.put(p.peer(), p.transports());
        }
        Map<String, Peer> running = new TreeMap<>();
        for (Peer p : services.peers()) {
            running.put(p.name(), p);
            Object configured = services.peerProperties(p).get(TransportSelection.KEY);
            preferences.putIfAbsent(p.name(), TransportSelection.preference(
                    configured == null ? TransportSelection.DEFAULT : configured.toString()));
        }
        List<Object> peers = new ArrayList<>();
        Set<String> firsts = new LinkedHashSet<>();
        preferences.forEach((name, preference) -> {
            Peer p = running.get(name);
            firsts.add(preference.isEmpty() ? "" : preference.get(0));
            List<Object> endpoints = new ArrayList<>();
            Map<String, Object> counts = new TreeMap<>();
            if (p != null) {
                for (Endpoint e : p.endpoints()) {
                    endpoints.add(Json.obj().with("transport", e.transport()).with("port", e.port()));
                }
                countsByTransport(p.connections()).forEach(counts::put);
            }
            peers.add(Json.obj()
                    .with("peer", name)
                    .with("preference", preference)
                    .with("inEffect", preference.stream().filter(installedNames::contains).findFirst().orElse(null))
                    .with("notInstalled", preference.stream().filter(n -> !installedNames.contains(n)).toList())
                    .with("running", p != null)
                    .with("endpoints", p == null ? null : endpoints)
                    .with("connections", p == null ? null : counts));
        });
        Tracker tracker = services.tracker();
        return Json.obj()
                .with("installed", installed)
                .with("first", firsts.size() == 1 ? firsts.iterator().next() : null)
                .with("peers", peers)
                .with("tracker", tracker == null ? null : Json.obj().with("address", hostPort(tracker.address()))
                        .with("transports", installedNames))
                .with("pid", TransportSelection.FACTORY_PID)
                .with("key", TransportSelection.KEY)
                .with("default", TransportSelection.DEFAULT)
                .with("switchable", true);
    }

    /** How many of {@code connections} each transport carries, by transport name. */
    static Map<String, Integer> countsByTransport(List<ConnectionInfo> connections) {
        Map<String, Integer> out = new TreeMap<>();
        for (ConnectionInfo c : connections) {
            out.merge(c.transport(), 1, Integer::sum);
        }
        return out;
    }
}

package io.otpservice.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Redis Cluster routing of our own. A call goes to the master of its key's hash slot and nowhere
 * else, so a dead or hung node costs the calls of its own slots only: the Vert.x cluster client
 * instead takes a connection to every node for each call and fails or waits with the worst of them
 * (see the README, "Redis in production"). On an event loop the call goes over that loop's own
 * connection to the master ({@link LoopConnections}, pipelined); elsewhere over a standalone Vert.x
 * client (with its own pool) per master.
 *
 * <p>The slot map comes from {@code CLUSTER NODES} of every known node, each answer bounded in time,
 * merged per slot by the highest config epoch (as Redis Cluster itself decides), so a node that is
 * down or has not heard of a promotion yet cannot win. It is read every
 * {@code otp.redis.topology-refresh}, and soon (at most every 250 ms) after a call failed. The healthy
 * replicas of each master (for {@code WAIT}) come from its {@code INFO replication}. A MOVED answer is
 * followed at once and the map read again; an ASK is followed once, with ASKING.
 */
final class ClusterRouter implements RedisTopology {

    private static final Logger LOG = Logger.getLogger("otp.redis");
    private static final long MIN_REFRESH_INTERVAL_MS = 250;
    private static final long MAX_NODE_ANSWER_MS = 500;
    private static final int MAX_REDIRECTS = 2;

    /** Slot → master (host:port); healthy replicas per master; nodes to ask next time. */
    /**
     * {@code replicas}: per master, those that would acknowledge a {@code WAIT} now (its INFO);
     * {@code promotable}: those the cluster lists for it that a failover could still promote, connected or
     * not (heard from within the replica validity time): a change acknowledged by none of them could come
     * back.
     */
    record Topology(String[] masters, Map<String, Integer> replicas, Map<String, Integer> promotable, Set<String> nodes) {
        static final Topology EMPTY = new Topology(new String[Slots.COUNT], Map.of(), Map.of(), Set.of());

        int covered() {
            return (int) Arrays.stream(masters).filter(Objects::nonNull).count();
        }
    }

    private final Vertx vertx;
    private final NodeOptions nodes;
    private final CoalescedRefresh refreshes;
    private final List<String> seeds;
    private final Duration timeout;
    private final long nodeAnswerMs;
    private final Map<String, Redis> clients = new ConcurrentHashMap<>();
    private final Map<String, LoopConnections> loopConnections = new ConcurrentHashMap<>();
    private final AtomicReference<Topology> topology = new AtomicReference<>(Topology.EMPTY);
    private final AtomicReference<Future<Topology>> refreshing = new AtomicReference<>();
    private final Promise<Void> loaded = Promise.promise();
    private final long timer;
    private volatile boolean noMapYet;
    /** Why the last node that did not answer CLUSTER NODES did not: Redis' own error text, or the connection's. */
    private volatile String lastNodesFailure = "";
    /**
     * How long a replica cut off from its master may still be elected in its place: Redis' replica validity
     * time, node timeout × (validity factor + 1) + the replication ping period, with Redis' defaults until
     * the masters' own settings are read (once per master); the longest of them.
     */
    private volatile long promotableForMs = promotableFor(15_000, 10);
    private final Map<String, Long> promotableByMaster = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param base the options Quarkus built from {@code quarkus.redis.*} (password, TLS, pool sizes),
     *             copied for each node with that node's address
     */
    ClusterRouter(Vertx vertx, RedisOptions base, Duration timeout, Duration refreshPeriod) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.nodeAnswerMs = Math.min(MAX_NODE_ANSWER_MS, timeout.toMillis());
        this.nodes = new NodeOptions(base, timeout, false, "Redis Cluster node to start from");
        this.seeds = nodes.configured(6379);
        this.refreshes = new CoalescedRefresh(vertx, MIN_REFRESH_INTERVAL_MS, this::refresh);
        this.timer = vertx.setPeriodic(refreshPeriod.toMillis(), id -> refresh());
        refresh();
    }

    Topology topology() {
        return topology.get();
    }

    @Override
    public Future<Response> send(String key, Request request) {
        return dispatch(Slots.of(key), List.of(request), null, false, MAX_REDIRECTS).map(List::getFirst);
    }

    @Override
    public Future<List<Response>> batch(String key, List<Request> requests) {
        return dispatch(Slots.of(key), requests, null, false, MAX_REDIRECTS);
    }

    @Override
    public boolean hasReplica(String key) {
        Topology t = topology.get();
        String master = t.masters()[Slots.of(key)];
        return master != null && (t.replicas().getOrDefault(master, 0) > 0 || t.promotable().getOrDefault(master, 0) > 0);
    }

    @Override
    public String where(String key) {
        String master = topology.get().masters()[Slots.of(key)];
        return master != null ? master : "no-master-known";
    }

    @Override
    public void failed(String node, Throwable failure) {
        if (!"redis-error".equals(RedisFailures.cause(failure))) {
            if (LoopConnections.broken(failure)) {
                // the deadline fires on the request's loop: that loop's connection to the node the call went
                // to is not reused (not the slot's master now: a late timeout of a hung master, answered after
                // its replica took over, would close the connection to the new master)
                LoopConnections loop = loopConnections.get(node);
                if (loop != null) {
                    loop.dropCurrent();
                }
            }
            refreshSoon();
        }
    }

    private Future<List<Response>> dispatch(int slot, List<Request> requests, String endpoint, boolean asking,
                                            int redirects) {
        if (endpoint == null && !loaded.future().isComplete()) {
            if (noMapYet) {
                refreshSoon();
                return Future.failedFuture(new NoRouteException("no slot map yet: no node answered CLUSTER NODES"
                        + lastNodesFailure));
            }
            // the first calls after start wait for the first slot map (bounded by the caller's deadline)
            return loaded.future().compose(x -> dispatch(slot, requests, null, asking, redirects));
        }
        String target = endpoint != null ? endpoint : topology.get().masters()[slot];
        if (target == null) {
            refreshSoon();
            return Future.failedFuture(new NoRouteException("no master known for slot " + slot));
        }
        LoopConnections loop = loopConnections.computeIfAbsent(target, ep -> new LoopConnections(vertx, options(ep)));
        Future<RedisConnection> held = loop.current();
        Future<List<Response>> call;
        if (held == null) {
            Redis pool = client(target);
            call = call(pool::send, pool::batch, requests, asking);
        } else {
            call = held.compose(connection -> call(connection::send, connection::batch, requests, asking));
        }
        return call.recover(failure -> {
            if (held != null && LoopConnections.broken(failure)) {
                loop.dropCurrent();
            }
            Redirect redirect = Redirect.parse(failure.getMessage());
            if (redirect == null || redirects == 0) {
                return Future.failedFuture(failure);
            }
            if (redirect.moved()) {
                refreshSoon();
            }
            return dispatch(slot, requests, redirect.endpoint(), !redirect.moved(), redirects - 1);
        });
    }

    /**
     * One call over {@code send} and {@code batch} of this event loop's connection or of the node's pool
     * (a batch keeps to one connection); after ASK, with ASKING in the same batch.
     */
    private static Future<List<Response>> call(Function<Request, Future<Response>> send,
                                               Function<List<Request>, Future<List<Response>>> batch,
                                               List<Request> requests, boolean asking) {
        if (asking) {
            return batch.apply(withAsking(requests)).map(replies -> replies.subList(1, replies.size()));
        }
        return requests.size() == 1 ? send.apply(requests.getFirst()).map(Collections::singletonList)
                : batch.apply(requests);
    }

    private static List<Request> withAsking(List<Request> requests) {
        List<Request> withAsking = new ArrayList<>(requests.size() + 1);
        withAsking.add(Request.cmd(Command.ASKING));
        withAsking.addAll(requests);
        return withAsking;
    }

    private Redis client(String endpoint) {
        return clients.computeIfAbsent(endpoint, ep -> Redis.createClient(vertx, options(ep)));
    }

    /** A node's options: Quarkus' settings with the node's address. */
    private RedisOptions options(String endpoint) {
        return nodes.of(endpoint, "otp-redis-" + endpoint, false);
    }

    /** Coalesced: at most one refresh in flight, at most one per 250 ms. */
    void refreshSoon() {
        refreshes.soon();
    }

    /**
     * Reads the slot map from the known nodes (the configured ones when none answers) and publishes it;
     * then reads the masters' replicas apart, so that a master that does not answer INFO never holds up
     * the next slot map.
     */
    Future<Topology> refresh() {
        Future<Topology> running = refreshing.get();
        if (running != null || closed) {
            return running != null ? running : Future.succeededFuture(topology.get());
        }
        Promise<Topology> promise = Promise.promise();
        if (!refreshing.compareAndSet(null, promise.future())) {
            return refreshing.get();
        }
        refreshes.started();
        Set<String> known = topology.get().nodes();
        ask(known.isEmpty() ? Set.copyOf(seeds) : known)
                .compose(views -> views.isEmpty() && !known.isEmpty() ? ask(new LinkedHashSet<>(seeds)) : Future.succeededFuture(views))
                .compose(views -> {
                    if (views.isEmpty()) {
                        return Future.failedFuture(new NoRouteException("no Redis Cluster node answered CLUSTER NODES"
                                + lastNodesFailure));
                    }
                    Topology merged = merge(views, topology.get().replicas(), System.currentTimeMillis(),
                            promotableForMs);
                    publish(current -> merged);
                    return Future.succeededFuture(merged);
                })
                .onComplete(result -> {
                    refreshing.set(null);
                    if (result.succeeded()) {
                        loaded.tryComplete();
                        promise.complete(result.result());
                        replicas(result.result()).onSuccess(counts -> publish(current -> {
                            Map<String, Integer> updated = new HashMap<>(current.replicas());
                            counts.forEach((master, count) -> updated.computeIfPresent(master, (m, before) -> count));
                            return new Topology(current.masters(), Map.copyOf(updated), current.promotable(),
                                    current.nodes());
                        }));
                    } else {
                        noMapYet = !loaded.future().isComplete();
                        promise.fail(result.cause());
                    }
                });
        return promise.future();
    }

    private Future<List<ClusterNodes>> ask(Set<String> endpoints) {
        List<Future<ClusterNodes>> answers = new ArrayList<>();
        for (String endpoint : endpoints) {
            answers.add(Deadline.within(vertx, client(endpoint).send(Request.cmd(Command.CLUSTER).arg("NODES")),
                            Duration.ofMillis(nodeAnswerMs))
                    .map(r -> ClusterNodes.parse(endpoint, r.toString()))
                    .otherwise(failure -> {
                        // e.g. "ERR This instance has cluster support disabled": a single Redis named as a cluster
                        lastNodesFailure = " (" + endpoint + ": " + RedisFailures.text(failure) + ")";
                        return null;
                    }));
        }
        return Future.join(answers).transform(ignored -> Future.succeededFuture(
                answers.stream().map(Future::result).filter(Objects::nonNull).toList()));
    }

    /** Redis' replica validity time for these settings; a factor of 0 lets any replica be elected. */
    static long promotableFor(long nodeTimeoutMs, long validityFactor) {
        return validityFactor == 0 ? Long.MAX_VALUE : nodeTimeoutMs * (validityFactor + 1) + REPLICA_PING_PERIOD_MS;
    }

    /** repl-ping-replica-period's default; not read, it rarely changes and only adds to the node timeout's share. */
    private static final long REPLICA_PING_PERIOD_MS = 10_000;

    /** Reads a new master's cluster-node-timeout and validity factor once (Redis' defaults if CONFIG is refused). */
    private void readValidity(String master) {
        if (promotableByMaster.putIfAbsent(master, promotableForMs) != null) {
            return;
        }
        Deadline.within(vertx, client(master).send(Request.cmd(Command.CONFIG).arg("GET").arg("cluster-*")),
                        Duration.ofMillis(nodeAnswerMs))
                .onSuccess(r -> {
                    long timeout = number(r, "cluster-node-timeout", 15_000);
                    long factor = number(r, "cluster-replica-validity-factor", 10);
                    promotableByMaster.put(master, promotableFor(timeout, factor));
                    promotableForMs = promotableByMaster.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                })
                .onFailure(failure -> {
                    if (RedisFailures.cause(failure).equals("redis-error")) {
                        // CONFIG refused (a managed Redis): Redis' defaults stay, said once, not asked again
                        LOG.infof("Redis %s: CONFIG GET refused (%s): a cut-off replica counts as electable for %d s,"
                                + " from Redis' defaults", master, RedisFailures.text(failure), promotableForMs / 1000);
                    } else {
                        promotableByMaster.remove(master); // no answer: asked again at the next refresh
                    }
                });
    }

    private static long number(Response config, String name, long fallback) {
        try {
            return config != null && config.containsKey(name) ? config.get(name).toLong() : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Per master, the replicas its INFO replication calls online and recent; a master that does not answer has none. */
    private Future<Map<String, Integer>> replicas(Topology t) {
        Set<String> masters = new LinkedHashSet<>(Arrays.asList(t.masters()));
        masters.remove(null);
        masters.forEach(this::readValidity);
        Map<String, Future<Integer>> answers = new LinkedHashMap<>();
        for (String master : masters) {
            answers.put(master, Deadline.within(vertx,
                            client(master).send(Request.cmd(Command.INFO).arg("replication")), Duration.ofMillis(nodeAnswerMs))
                    .map(r -> Replication.healthyReplicas(r.toString()))
                    .otherwise(0));
        }
        return Future.join(new ArrayList<>(answers.values())).transform(ignored -> {
            Map<String, Integer> counts = new HashMap<>();
            answers.forEach((master, count) -> counts.put(master, count.result()));
            return Future.succeededFuture(Map.copyOf(counts));
        });
    }

    private void publish(java.util.function.UnaryOperator<Topology> change) {
        Topology before;
        Topology next;
        do {
            before = topology.get();
            next = change.apply(before);
        } while (!topology.compareAndSet(before, next));
        if (!Arrays.equals(before.masters(), next.masters()) || !before.replicas().equals(next.replicas())
                || !before.promotable().equals(next.promotable())) {
            LOG.infof("Redis Cluster: %s", describe(next));
        }
    }

    /**
     * For each slot the claim with the highest config epoch wins; the replicas that would acknowledge are
     * counted later from INFO. A replica the cluster lists for a master stays promotable while some node
     * heard from it within {@code promotableForMs} ({@code now}: Unix ms), whatever its flags: a replica cut
     * off or hung for a few seconds is elected once it is back, with the writes it missed missing.
     */
    static Topology merge(List<ClusterNodes> views, Map<String, Integer> replicasBefore, long now, long promotableForMs) {
        String[] masters = new String[Slots.COUNT];
        long[] epochs = new long[Slots.COUNT];
        Arrays.fill(epochs, -1);
        Set<String> failed = new HashSet<>();
        for (ClusterNodes view : views) {
            for (ClusterNodes.Node n : view.nodes()) {
                if (n.failed()) {
                    failed.add(n.endpoint());
                }
            }
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (ClusterNodes view : views) {
            for (ClusterNodes.Node n : view.nodes()) {
                if (!failed.contains(n.endpoint())) {
                    nodes.add(n.endpoint());
                }
                if (!n.master()) {
                    continue;
                }
                for (int[] range : n.slots()) {
                    for (int s = range[0]; s <= range[1]; s++) {
                        if (n.epoch() > epochs[s]) {
                            epochs[s] = n.epoch();
                            masters[s] = n.endpoint();
                        }
                    }
                }
            }
        }
        Map<String, Integer> replicas = new HashMap<>();
        for (String master : masters) {
            if (master != null) {
                replicas.putIfAbsent(master, replicasBefore.getOrDefault(master, 0));
            }
        }
        return new Topology(masters, Map.copyOf(replicas), promotable(views, now, promotableForMs), Set.copyOf(nodes));
    }

    /** Per master endpoint, its replicas last heard from (by any node) within {@code promotableForMs}. */
    private static Map<String, Integer> promotable(List<ClusterNodes> views, long now, long promotableForMs) {
        Map<String, String> endpoints = new HashMap<>();
        Map<String, String> masterOf = new HashMap<>();
        Map<String, Long> heard = new HashMap<>();
        for (ClusterNodes view : views) {
            for (ClusterNodes.Node n : view.nodes()) {
                endpoints.putIfAbsent(n.id(), n.endpoint());
                if (!n.master() && n.masterId() != null) {
                    masterOf.put(n.id(), n.masterId());
                    long at = n.myself() ? now : n.pongReceived();
                    heard.merge(n.id(), at, Math::max);
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        masterOf.forEach((replica, master) -> {
            long at = heard.getOrDefault(replica, 0L);
            String endpoint = endpoints.get(master);
            if (endpoint != null && at > 0 && now - at <= promotableForMs) {
                counts.merge(endpoint, 1, Integer::sum);
            }
        });
        return Map.copyOf(counts);
    }

    private static String describe(Topology t) {
        StringBuilder text = new StringBuilder();
        int start = 0;
        for (int s = 1; s <= Slots.COUNT; s++) {
            if (s == Slots.COUNT || !Objects.equals(t.masters()[s], t.masters()[start])) {
                String master = t.masters()[start];
                text.append(text.isEmpty() ? "" : ", ").append("slots ").append(start).append('-').append(s - 1)
                        .append(master == null ? " have no master" : " on " + master + " ("
                                + t.replicas().getOrDefault(master, 0) + " replica(s) acknowledging, "
                                + t.promotable().getOrDefault(master, 0) + " promotable)");
                start = s;
            }
        }
        return text.toString();
    }

    @Override
    public Future<State> state() {
        Topology t = topology.get();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topology", "cluster");
        if (t.covered() == 0) {
            data.put("error", "no slot map yet: no node of quarkus.redis.hosts answered CLUSTER NODES" + lastNodesFailure);
            return Future.succeededFuture(new State(false, data));
        }
        Set<String> masters = new LinkedHashSet<>(Arrays.asList(t.masters()));
        masters.remove(null);
        Map<String, Future<Response>> pings = new LinkedHashMap<>();
        for (String master : masters) {
            pings.put(master, Deadline.within(vertx, client(master).send(Request.cmd(Command.PING)), timeout));
        }
        return Future.join(new ArrayList<>(pings.values())).transform(ignored -> {
            Set<String> answering = new HashSet<>();
            pings.forEach((master, ping) -> {
                if (ping.succeeded()) {
                    answering.add(master);
                }
            });
            long served = Arrays.stream(t.masters()).filter(answering::contains).count();
            data.put("masters", answering.size() + "/" + masters.size() + " answering");
            data.put("slots", served + "/" + Slots.COUNT + " served");
            // ready while any shard serves: taking every pod out for one shard would turn a partial outage into a total one
            return Future.succeededFuture(new State(!answering.isEmpty(), data));
        });
    }

    @Override
    public void close() {
        closed = true;
        refreshes.close();
        vertx.cancelTimer(timer);
        loopConnections.values().forEach(LoopConnections::close);
        clients.values().forEach(Redis::close);
    }

    /** No node is known for the slot, or none answered. */
    static final class NoRouteException extends RuntimeException {
        NoRouteException(String message) {
            super(message, null, false, false);
        }
    }

    /** A MOVED or ASK answer, also inside a pipelined call's error ({@code ERR [0] MOVED 42 10.0.0.5:6379}). */
    record Redirect(boolean moved, int slot, String endpoint) {
        static Redirect parse(String message) {
            if (message == null) {
                return null;
            }
            for (String line : message.lines().toList()) {
                String text = line.strip();
                int close = text.indexOf("] ");
                if (text.startsWith("ERR [") && close >= 0) {
                    text = text.substring(close + 2);
                }
                boolean moved = text.startsWith("MOVED ");
                if (!moved && !text.startsWith("ASK ")) {
                    continue;
                }
                String[] parts = text.split("\\s+");
                if (parts.length < 3) {
                    return null;
                }
                try {
                    String endpoint = parts[2].startsWith(":") ? null : parts[2];
                    return endpoint == null ? null : new Redirect(moved, Integer.parseInt(parts[1]), endpoint);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }
    }
}

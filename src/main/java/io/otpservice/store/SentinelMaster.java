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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The master that Redis Sentinel names, found by asking every Sentinel at once, each within a deadline,
 * and believing the one with the newest configuration epoch. The Vert.x Sentinel client asks them one
 * after another with no deadline each time its topology cache expires: a hung first Sentinel stalled
 * every call, and with every Sentinel down nothing was served although the master was up. Here a
 * Sentinel that hangs or is down costs nothing while another answers, and while none answers the last
 * master named keeps serving.
 *
 * <p>Asked every {@code otp.redis.topology-refresh} and soon after a call to the master failed. Calls go
 * to the master over each event loop's own connection ({@link LoopConnections}), elsewhere over a pool.
 * For {@code WAIT}, the master's replicas are those that acknowledge now ({@code INFO replication}) and
 * those the Sentinels could still elect although they are cut off or hung ({@code SENTINEL REPLICAS}:
 * priority above 0, heard from within ten times {@code down-after-milliseconds}).
 */
final class SentinelMaster implements RedisTopology {

    private static final Logger LOG = Logger.getLogger("otp.redis");
    private static final long MIN_REFRESH_INTERVAL_MS = 250;
    /** A Sentinel's answer is awaited at most this long, within the calls' own timeout. */
    private static final long MAX_ANSWER_MS = 500;

    /** What one Sentinel says: the master's host:port, under which configuration epoch, and its electable replicas. */
    record View(String master, long epoch, int promotable) {
    }

    private final Vertx vertx;
    private final String name;
    private final Duration timeout;
    private final long answerMs;
    private final NodeOptions nodes;
    private final CoalescedRefresh refreshes;
    /** The Sentinels, host:port. */
    private final List<String> sentinels;
    private final Map<String, Redis> sentinelClients = new ConcurrentHashMap<>();
    private final Map<String, LoopConnections> loops = new ConcurrentHashMap<>();
    private final Map<String, Redis> pools = new ConcurrentHashMap<>();
    private final Promise<Void> named = Promise.promise();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final long timer;
    private volatile String master;
    private volatile int healthy;
    private volatile int promotable;
    private volatile int answering = -1;
    private volatile String lastFailure = "";
    private volatile boolean noMasterYet;
    private volatile boolean closed;

    /**
     * @param base the options Quarkus built from {@code quarkus.redis.*}: the Sentinels as hosts, password, TLS,
     *             pool sizes; copied for each Sentinel and master with its address
     */
    SentinelMaster(Vertx vertx, RedisOptions base, String name, Duration timeout, Duration refreshPeriod) {
        this.vertx = vertx;
        this.name = name;
        this.timeout = timeout;
        this.answerMs = Math.min(MAX_ANSWER_MS, timeout.toMillis());
        this.nodes = new NodeOptions(base, timeout, true, "Sentinel to ask");
        this.sentinels = nodes.configured(26379);
        this.refreshes = new CoalescedRefresh(vertx, MIN_REFRESH_INTERVAL_MS, this::refresh);
        this.timer = vertx.setPeriodic(refreshPeriod.toMillis(), id -> refresh());
        refresh();
    }

    @Override
    public Future<Response> send(String key, Request request) {
        return call(connection -> connection.send(request), pool -> pool.send(request));
    }

    @Override
    public Future<List<Response>> batch(String key, List<Request> requests) {
        return call(connection -> connection.batch(requests), pool -> pool.batch(requests));
    }

    private <T> Future<T> call(Function<RedisConnection, Future<T>> onConnection, Function<Redis, Future<T>> onPool) {
        String target = master;
        if (target == null) {
            refreshSoon();
            if (noMasterYet) {
                return Future.failedFuture(new ClusterRouter.NoRouteException("no Sentinel named the master "
                        + name + " yet" + lastFailure));
            }
            // the first calls after start wait for the first answer (bounded by the caller's deadline)
            return named.future().compose(x -> call(onConnection, onPool));
        }
        LoopConnections loop = loops.computeIfAbsent(target, ep -> new LoopConnections(vertx, options(ep, false)));
        if (!target.equals(master) && loops.remove(target, loop)) {
            // the master moved while this call started: its connections would stay open for nothing
            loop.close();
        }
        Future<RedisConnection> held = loop.current();
        return held == null ? onPool.apply(pool(target)) : held.compose(onConnection);
    }

    @Override
    public boolean hasReplica(String key) {
        return healthy > 0 || promotable > 0;
    }

    @Override
    public String where(String key) {
        String m = master;
        return m != null ? m : "sentinel-master:" + name;
    }

    @Override
    public void failed(String node, Throwable failure) {
        if ("redis-error".equals(RedisFailures.cause(failure))) {
            return;
        }
        if (LoopConnections.broken(failure)) {
            // the loop's connection to the node the call went to, not to the master named since
            LoopConnections loop = loops.get(node);
            if (loop != null) {
                loop.dropCurrent();
            }
        }
        refreshSoon();
    }

    @Override
    public Future<State> state() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topology", "sentinel");
        data.put("master-name", name);
        String target = master;
        data.put("master", target == null ? "none named yet" : target);
        data.put("replicas", healthy);
        data.put("promotable", promotable);
        data.put("sentinels", Math.max(answering, 0) + "/" + sentinels.size() + " answering");
        if (target == null) {
            data.put("error", "no-route: no Sentinel named the master" + lastFailure);
            return Future.succeededFuture(new State(false, data));
        }
        return Deadline.within(vertx, pool(target).send(Request.cmd(Command.PING)), timeout)
                .map(pong -> new State(true, data))
                .otherwise(failure -> {
                    data.put("error", RedisFailures.cause(failure) + ": " + RedisFailures.text(failure));
                    return new State(false, data);
                });
    }

    /** Coalesced: at most one refresh in flight, at most one per 250 ms. */
    void refreshSoon() {
        refreshes.soon();
    }

    /** Asks every Sentinel at once; then the master's INFO for the replicas that acknowledge. */
    void refresh() {
        if (closed || !refreshing.compareAndSet(false, true)) {
            return;
        }
        refreshes.started();
        List<Future<View>> asks = sentinels.stream().map(this::ask).toList();
        Future.join(new ArrayList<>(asks)).onComplete(done -> {
            try {
                List<View> views = asks.stream().filter(Future::succeeded).map(Future::result).toList();
                noticeAnswering(views.size());
                if (views.isEmpty()) {
                    // keep the master last named: it may well be up, and serving beats guessing
                    noMasterYet = master == null;
                    return;
                }
                View newest = views.stream().max(Comparator.comparingLong(View::epoch)).orElseThrow();
                promotable = newest.promotable();
                use(newest.master());
                refreshReplicas(newest.master());
            } finally {
                refreshing.set(false);
            }
        });
    }

    private Future<View> ask(String sentinel) {
        Redis client = sentinelClients.computeIfAbsent(sentinel, s -> Redis.createClient(vertx, options(s, true)));
        return Deadline.within(vertx, client.batch(List.of(
                                Request.cmd(Command.SENTINEL).arg("MASTER").arg(name),
                                Request.cmd(Command.SENTINEL).arg("REPLICAS").arg(name))),
                        Duration.ofMillis(answerMs))
                .map(replies -> view(replies.get(0), replies.get(1), System.currentTimeMillis()))
                .onFailure(failure -> {
                    lastFailure = " (" + sentinel + ": " + RedisFailures.text(failure) + ")";
                    // a hung Sentinel holds its connection: drop the client, the next ask opens another
                    if (sentinelClients.remove(sentinel, client)) {
                        client.close();
                    }
                });
    }

    /**
     * One Sentinel's {@code SENTINEL MASTER} and {@code SENTINEL REPLICAS} answers. A replica counts as electable
     * while its priority is above 0 and the Sentinel heard from it within ten times {@code down-after-milliseconds}
     * (Sentinel elects a replica cut off from its master for less than that, once it answers again).
     */
    static View view(Response master, Response replicas, long now) {
        String host = text(master, "ip");
        String port = text(master, "port");
        if (host == null || port == null) {
            throw new IllegalStateException("SENTINEL MASTER named no address");
        }
        long downAfter = number(master, "down-after-milliseconds", 30_000);
        int electable = 0;
        if (replicas != null) {
            for (Response replica : replicas) {
                long priority = number(replica, "slave-priority", number(replica, "replica-priority", 100));
                long lastOk = number(replica, "last-ok-ping-reply", Long.MAX_VALUE);
                if (priority > 0 && lastOk <= 10 * downAfter) {
                    electable++;
                }
            }
        }
        return new View(host + ":" + port, number(master, "config-epoch", 0), electable);
    }

    private static String text(Response map, String field) {
        return map != null && map.containsKey(field) && map.get(field) != null ? map.get(field).toString() : null;
    }

    private static long number(Response map, String field, long fallback) {
        String value = text(map, field);
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void noticeAnswering(int count) {
        int before = answering;
        answering = count;
        if (count == before) {
            return;
        }
        if (count < sentinels.size()) {
            LOG.warnf("Redis Sentinel: %d/%d Sentinels answering%s%s", count, sentinels.size(), lastFailure,
                    count == 0 && master != null ? "; still using " + master : "");
        } else if (before >= 0) {
            LOG.infof("Redis Sentinel: %d/%d Sentinels answering", count, sentinels.size());
        }
    }

    private void use(String address) {
        String before = master;
        if (address.equals(before)) {
            return;
        }
        master = address;
        noMasterYet = false;
        if (before == null) {
            LOG.infof("Redis Sentinel: master %s at %s (%d replica(s) electable)", name, address, promotable);
        } else {
            LOG.warnf("Redis Sentinel: master %s moved from %s to %s (%d replica(s) electable)", name, before, address,
                    promotable);
            // calls still on the old master's connections fail and answer 503; new ones go to the new master
            LoopConnections old = loops.remove(before);
            if (old != null) {
                old.close();
            }
            Redis oldPool = pools.remove(before);
            if (oldPool != null) {
                oldPool.close();
            }
        }
        named.tryComplete();
    }

    private void refreshReplicas(String target) {
        Deadline.within(vertx, pool(target).send(Request.cmd(Command.INFO).arg("replication")), timeout)
                .onSuccess(info -> {
                    if (target.equals(master) && info != null) {
                        healthy = Replication.healthyReplicas(info.toString());
                    }
                });
    }

    private Redis pool(String endpoint) {
        return pools.computeIfAbsent(endpoint, ep -> Redis.createClient(vertx, options(ep, false)));
    }

    /** A Sentinel's or the master's options; a Sentinel's without the database number (it has no SELECT). */
    private RedisOptions options(String endpoint, boolean sentinel) {
        return nodes.of(endpoint, "otp-redis-" + (sentinel ? "sentinel-" : "") + endpoint, !sentinel);
    }

    @Override
    public void close() {
        closed = true;
        refreshes.close();
        vertx.cancelTimer(timer);
        loops.values().forEach(LoopConnections::close);
        pools.values().forEach(Redis::close);
        sentinelClients.values().forEach(Redis::close);
    }
}

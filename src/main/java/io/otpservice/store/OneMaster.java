package io.otpservice.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One master: a single Redis (or Vert.x' replication client type, which finds no failover). This class
 * adds what the client does not know: whether the master has a replica that would acknowledge a
 * {@code WAIT}, read from {@code INFO replication} every {@code otp.redis.topology-refresh} and at once
 * after a {@code WAIT} went unanswered. Redis Sentinel is {@link SentinelMaster}.
 *
 * <p>On a single Redis each event loop sends over a connection of its own ({@link LoopConnections});
 * otherwise the pool serves.
 */
final class OneMaster implements RedisTopology {

    private static final Logger LOG = Logger.getLogger("otp.redis");

    private final Vertx vertx;
    private final Redis redis;
    private final String where;
    private final String type;
    private final Duration timeout;
    private final long timer;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** The event loops' own connections (a single Redis), or null to use the pool for all. */
    private final LoopConnections loops;
    private volatile int replicas;
    /** Why this Redis cannot take the service's writes although it answers (a replica, a cluster node), or null. */
    private volatile String unfit;
    private volatile boolean clusterChecked;
    private volatile boolean clusterNode;

    OneMaster(Vertx vertx, Redis redis, String type, String where, Duration timeout, Duration refresh,
              RedisOptions loopOptions) {
        this.vertx = vertx;
        this.redis = redis;
        this.loops = loopOptions == null ? null : new LoopConnections(vertx, loopOptions);
        this.type = type;
        this.where = where;
        this.timeout = timeout;
        refreshReplicas();
        this.timer = vertx.setPeriodic(refresh.toMillis(), id -> refreshReplicas());
    }

    @Override
    public Future<Response> send(String key, Request request) {
        Future<RedisConnection> held = held();
        return held == null ? redis.send(request) : held.compose(c -> c.send(request));
    }

    @Override
    public Future<List<Response>> batch(String key, List<Request> requests) {
        Future<RedisConnection> held = held();
        return held == null ? redis.batch(requests) : held.compose(c -> c.batch(requests));
    }

    /** This event loop's own connection, or null to use the pool. */
    private Future<RedisConnection> held() {
        return loops == null ? null : loops.current();
    }

    @Override
    public boolean hasReplica(String key) {
        return replicas > 0;
    }

    @Override
    public String where(String key) {
        return where;
    }

    @Override
    public void failed(String node, Throwable failure) {
        if (failure instanceof RedisFailures.ReplicaNotAcknowledged) {
            refreshReplicas();
        } else if (loops != null && LoopConnections.broken(failure)) {
            // a connection that failed or did not answer in time is not reused (the deadline fires on the
            // request's loop): the next request of this loop opens another
            loops.dropCurrent();
        }
    }

    @Override
    public Future<State> state() {
        return Deadline.within(vertx, redis.send(Request.cmd(Command.PING)), timeout)
                .map(pong -> {
                    String why = clusterNode ? clusterNodeProblem() : unfit;
                    if (why == null) {
                        return new State(true, data());
                    }
                    Map<String, Object> data = data();
                    data.put("error", why);
                    return new State(false, data);
                })
                .otherwise(failure -> {
                    Map<String, Object> data = data();
                    data.put("error", RedisFailures.cause(failure) + ": " + RedisFailures.text(failure));
                    return new State(false, data);
                });
    }

    private Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topology", type);
        data.put("master", where);
        data.put("replicas", replicas);
        return data;
    }

    private void refreshReplicas() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        Deadline.within(vertx, redis.send(Request.cmd(Command.INFO).arg("replication")), timeout)
                .onComplete(info -> {
                    // unreachable: keep what was known; the calls fail on their own until it answers
                    if (info.succeeded() && info.result() != null) {
                        String text = info.result().toString();
                        replicas = Replication.healthyReplicas(text);
                        boolean replica = text.lines().anyMatch(line -> line.strip().equals("role:slave"));
                        unfit(replica ? "readonly: the Redis at " + where + " is a replica, its writes answer READONLY;"
                                + " point quarkus.redis.hosts at its master, or use Sentinel" : null);
                        checkCluster();
                    }
                    refreshing.set(false);
                });
    }

    /** Once: a Redis Cluster node named as a single Redis answers MOVED and CROSSSLOT to most calls. */
    private void checkCluster() {
        if (clusterChecked) {
            return;
        }
        clusterChecked = true;
        Deadline.within(vertx, redis.send(Request.cmd(Command.INFO).arg("cluster")), timeout).onComplete(info -> {
            if (info.failed() || info.result() == null) {
                clusterChecked = false;
            } else if (info.result().toString().lines().anyMatch(line -> line.strip().equals("cluster_enabled:1"))) {
                clusterNode = true;
                LOG.warnf("Redis: %s (readiness is DOWN until it is fixed)", clusterNodeProblem());
            }
        });
    }

    private String clusterNodeProblem() {
        return "the Redis at " + where + " is a Redis Cluster node: set quarkus.redis.client-type=cluster";
    }

    /** A replica's problem, or null once it is a master (promoted, or the name points at one again). */
    private void unfit(String why) {
        if (Objects.equals(unfit, why)) {
            return;
        }
        unfit = why;
        if (why != null) {
            LOG.warnf("Redis: %s (readiness is DOWN until it is fixed)", why);
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        if (loops != null) {
            loops.close();
        }
    }
}

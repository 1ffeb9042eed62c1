package io.otpservice.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One master at a time: a single Redis, or the master that Redis Sentinel names. The Vert.x client
 * does the finding (its Sentinel client asks the Sentinels again after its topology cache expires and
 * follows a promotion within it); this class only adds what the client does not know: whether the
 * master has a replica that would acknowledge a {@code WAIT}, read from {@code INFO replication} every
 * {@code otp.redis.topology-refresh} and at once after a {@code WAIT} went unanswered.
 */
final class OneMaster implements RedisTopology {

    private final Vertx vertx;
    private final Redis redis;
    private final String where;
    private final String type;
    private final Duration timeout;
    private final long timer;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile int replicas;

    OneMaster(Vertx vertx, Redis redis, String type, String where, Duration timeout, Duration refresh) {
        this.vertx = vertx;
        this.redis = redis;
        this.type = type;
        this.where = where;
        this.timeout = timeout;
        refreshReplicas();
        this.timer = vertx.setPeriodic(refresh.toMillis(), id -> refreshReplicas());
    }

    @Override
    public Future<Response> send(String key, Request request) {
        return redis.send(request);
    }

    @Override
    public Future<List<Response>> batch(String key, List<Request> requests) {
        return redis.batch(requests);
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
    public void failed(String key, Throwable failure) {
        if (failure instanceof RedisFailures.ReplicaNotAcknowledged) {
            refreshReplicas();
        }
    }

    @Override
    public Future<State> state() {
        return Deadline.within(vertx, redis.send(Request.cmd(Command.PING)), timeout)
                .map(pong -> new State(true, data()))
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
                        replicas = Replication.healthyReplicas(info.result().toString());
                    }
                    refreshing.set(false);
                });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}

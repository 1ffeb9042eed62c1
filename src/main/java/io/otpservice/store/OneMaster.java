package io.otpservice.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One master at a time: a single Redis, or the master that Redis Sentinel names. The Vert.x client
 * does the finding (its Sentinel client asks the Sentinels again after its topology cache expires and
 * follows a promotion within it); this class only adds what the client does not know: whether the
 * master has a replica that would acknowledge a {@code WAIT}, read from {@code INFO replication} every
 * {@code otp.redis.topology-refresh} and at once after a {@code WAIT} went unanswered.
 *
 * <p>On a single Redis each event loop sends over a connection of its own, opened on that loop: a pooled
 * connection belongs to whichever loop opened it, so its answer had to be handed over to the request's
 * loop (a task and an epoll wake-up each way), 14-38% of the JFR samples of creates and checks. Each
 * loop's connection comes from a client created on that loop, never from the shared pool: a Vert.x
 * Redis client binds all its connections to the loop it was created on, and connections held for good
 * would starve a pool smaller than the number of loops. The requests of one loop are
 * pipelined on its connection; a connection that breaks or does not answer in time is dropped and the
 * next request opens another. Off the event loops, and behind Sentinel (whose client must be free to
 * follow a promotion), the pool serves.
 */
final class OneMaster implements RedisTopology {

    private final Vertx vertx;
    private final Redis redis;
    private final String where;
    private final String type;
    private final Duration timeout;
    private final long timer;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** The options of the event loops' own clients (a single Redis), or null to use the pool for all. */
    private final RedisOptions loopOptions;
    private final boolean connectionPerLoop;
    private final Map<Thread, LoopConnection> loops = new ConcurrentHashMap<>();
    private volatile int replicas;

    OneMaster(Vertx vertx, Redis redis, String type, String where, Duration timeout, Duration refresh,
              RedisOptions loopOptions) {
        this.vertx = vertx;
        this.redis = redis;
        this.loopOptions = loopOptions;
        this.connectionPerLoop = loopOptions != null;
        this.type = type;
        this.where = where;
        this.timeout = timeout;
        refreshReplicas();
        this.timer = vertx.setPeriodic(refresh.toMillis(), id -> refreshReplicas());
    }

    @Override
    public Future<Response> send(String key, Request request) {
        LoopConnection held = held();
        return held == null ? redis.send(request) : held.connection().compose(c -> c.send(request));
    }

    @Override
    public Future<List<Response>> batch(String key, List<Request> requests) {
        LoopConnection held = held();
        return held == null ? redis.batch(requests) : held.connection().compose(c -> c.batch(requests));
    }

    /** This event loop's connection, or null to use the pool. */
    private LoopConnection held() {
        if (!connectionPerLoop || !Context.isOnEventLoopThread()) {
            return null;
        }
        Thread loop = Thread.currentThread();
        LoopConnection held = loops.get(loop);
        if (held == null) {
            // only this loop's thread puts or replaces its entry; opened once in the map, so that a
            // failure, however early it is reported, finds the entry to drop
            held = new LoopConnection(loop);
            loops.put(loop, held);
            held.open();
        }
        return held;
    }

    /**
     * The connection of one event loop, from a client of its own created on that loop: a Vert.x Redis
     * client binds every connection it opens to the event loop it was created on. Opened once (requests
     * meanwhile wait for the same attempt), dropped with its client when it breaks.
     */
    private final class LoopConnection {
        private final Thread loop;
        private final Promise<RedisConnection> connection = Promise.promise();
        private Redis client;

        LoopConnection(Thread loop) {
            this.loop = loop;
        }

        void open() {
            client = Redis.createClient(vertx, loopOptions);
            client.connect()
                    .onSuccess(c -> c.exceptionHandler(failure -> drop()).endHandler(end -> drop()))
                    .onFailure(failure -> drop())
                    .onComplete(connection);
        }

        Future<RedisConnection> connection() {
            return connection.future();
        }

        void drop() {
            if (loops.remove(loop, this)) {
                connection.future().onComplete(done -> client.close());
            }
        }
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
        } else if (connectionPerLoop && brokenConnection(failure)) {
            // a connection that failed or did not answer in time is not reused (the deadline fires on the
            // request's loop): the next request of this loop opens another
            LoopConnection held = loops.get(Thread.currentThread());
            if (held != null) {
                held.drop();
            }
        }
    }

    /** A failure of the connection itself, not an error that Redis answered over it. */
    private static boolean brokenConnection(Throwable failure) {
        return switch (RedisFailures.cause(failure)) {
            case "timeout", "connection-refused", "connection-closed", "other" -> true;
            default -> false;
        };
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
        loops.values().forEach(LoopConnection::drop);
    }
}

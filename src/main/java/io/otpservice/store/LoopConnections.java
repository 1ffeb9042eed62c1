package io.otpservice.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each event loop's own connection to one Redis node, opened on that loop, the loop's requests
 * pipelined on it. A pooled connection belongs to whichever loop opened it, so its answer had to be
 * handed over to the request's loop (a task and an epoll wake-up each way): 14-38% of the JFR samples
 * of creates and checks. Each loop's connection comes from a client created on that loop, never from a
 * shared pool: a Vert.x Redis client binds all its connections to the loop it was created on, and
 * connections held for good would starve a pool smaller than the number of loops. A connection that
 * breaks, or that its caller drops because it did not answer in time, is closed; the loop's next
 * request opens another. Off the event loops callers use their pool.
 */
final class LoopConnections {

    private final Vertx vertx;
    private final RedisOptions options;
    private final Map<Thread, Held> loops = new ConcurrentHashMap<>();

    /** @param options the node's options; one connection per client */
    LoopConnections(Vertx vertx, RedisOptions options) {
        this.vertx = vertx;
        this.options = new RedisOptions(options).setMaxPoolSize(1).setMaxPoolWaiting(1024)
                .setPoolName(RedisTopologies.LOOP_POOL).setMetricsName(RedisTopologies.LOOP_METRICS);
    }

    /** This event loop's connection (opened now if it has none), or null off the event loops. */
    Future<RedisConnection> current() {
        if (!Context.isOnEventLoopThread()) {
            return null;
        }
        Thread loop = Thread.currentThread();
        Held held = loops.get(loop);
        if (held == null) {
            // only this loop's thread puts or replaces its entry; in the map before it opens, so that a
            // failure, however early it is reported, finds the entry to drop
            held = new Held(loop);
            loops.put(loop, held);
            held.open();
        }
        return held.connection.future();
    }

    /** Drops this event loop's connection: it failed or did not answer in time. */
    void dropCurrent() {
        Held held = loops.get(Thread.currentThread());
        if (held != null) {
            held.drop();
        }
    }

    void close() {
        loops.values().forEach(Held::drop);
    }

    /** Opened once (requests meanwhile wait for the same attempt), dropped with its client when it breaks. */
    private final class Held {
        private final Thread loop;
        private final Promise<RedisConnection> connection = Promise.promise();
        private Redis client;

        Held(Thread loop) {
            this.loop = loop;
        }

        void open() {
            client = Redis.createClient(vertx, options);
            client.connect()
                    .onSuccess(c -> c.exceptionHandler(failure -> drop()).endHandler(end -> drop()))
                    .onFailure(failure -> drop())
                    .onComplete(connection);
        }

        void drop() {
            if (loops.remove(loop, this)) {
                connection.future().onComplete(done -> client.close());
            }
        }
    }

    /** A failure of the connection itself, not an error that Redis answered over it. */
    static boolean broken(Throwable failure) {
        return switch (RedisFailures.cause(failure)) {
            case "timeout", "connection-refused", "connection-closed", "other" -> true;
            default -> false;
        };
    }
}

package io.otpservice.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otpservice.config.OtpConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Runs Lua scripts by SHA. A server that does not know a script (new, restarted, flushed, another
 * cluster node) answers NOSCRIPT; the script is then sent once whole with EVAL, which caches it there.
 * Every call is bounded by {@code otp.redis.timeout}; failures become {@link StoreUnavailableException}.
 * <p>
 * On a single Redis each event loop sends over a connection of its own, opened on that loop: a pooled
 * connection belongs to whichever loop opened it, so its answer had to be handed to the request's loop
 * (a task and an epoll wake-up each way), which was 14-38% of the JFR samples of creates and checks.
 * Requests of one loop are pipelined on its connection; a broken or timed-out connection is dropped and
 * the next request opens another. Off the event loops, and on Redis Cluster, the pool serves as before.
 */
@Singleton
public class ScriptRunner {

    private static final Logger LOG = Logger.getLogger(ScriptRunner.class);

    private final Redis redis;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final boolean connectionPerLoop;
    private final Map<Thread, LoopConnection> loops = new ConcurrentHashMap<>();

    public ScriptRunner(Redis redis, OtpConfig config, MeterRegistry meters,
                        @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.redis = redis;
        this.timeout = config.redis().timeout();
        this.meters = meters;
        this.connectionPerLoop = "standalone".equalsIgnoreCase(clientType);
    }

    /** The connection of one event loop: opened once (later requests wait for the same attempt), dropped when it breaks. */
    private final class LoopConnection {
        private final Thread loop;
        private final Uni<RedisConnection> connection;
        private volatile RedisConnection opened;

        LoopConnection(Thread loop) {
            this.loop = loop;
            this.connection = redis.connect()
                    .invoke(c -> {
                        opened = c;
                        c.exceptionHandler(failure -> drop());
                        c.endHandler(this::drop);
                    })
                    .onFailure().invoke(this::drop)
                    .memoize().indefinitely();
        }

        void drop() {
            if (loops.remove(loop, this) && opened != null) {
                opened.closeAndForget();
            }
        }
    }

    public Uni<Response> run(String name, List<String> keys, List<String> args) {
        Script script = scripts.computeIfAbsent(name, Script::load);
        long start = System.nanoTime();
        return send(request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(ScriptRunner::isNoScript)
                .recoverWithUni(() -> send(request(Command.EVAL, script.source(), keys, args)))
                .onItemOrFailure().invoke((r, f) -> timer(name).record(System.nanoTime() - start,
                        java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** A plain command (reads, idempotency records), under the same timeout and error mapping. */
    public Uni<Response> command(Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        return send(request);
    }

    private Uni<Response> send(Request request) {
        if (!connectionPerLoop || !Context.isOnEventLoopThread()) {
            return bounded(redis.send(request), null);
        }
        LoopConnection held = loops.computeIfAbsent(Thread.currentThread(), LoopConnection::new);
        return bounded(held.connection.chain(c -> c.send(request)), held);
    }

    private Uni<Response> bounded(Uni<Response> sent, LoopConnection held) {
        return sent.ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure(TimeoutException.class).invoke(() -> {
                    if (held != null) {
                        held.drop(); // a connection that does not answer in time is not reused
                    }
                })
                .onFailure(f -> !isNoScript(f)).transform(this::unavailable);
    }

    private static Request request(Command command, String first, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(first).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private Throwable unavailable(Throwable failure) {
        meters.counter("otp.redis.errors").increment();
        // the message of a Redis error names the command, never our arguments
        LOG.warnf("Redis unavailable: %s", failure.getClass().getSimpleName());
        return new StoreUnavailableException("Redis is unavailable", failure);
    }

    private Timer timer(String name) {
        return timers.computeIfAbsent(name, n -> Timer.builder("otp.redis.script")
                .description("Latency of one Lua script call in Redis")
                .tag("script", n)
                .publishPercentileHistogram()
                .register(meters));
    }
}

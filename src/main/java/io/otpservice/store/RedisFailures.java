package io.otpservice.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.redis.client.impl.types.ErrorType;
import org.jboss.logging.Logger;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Failed Redis calls: named by cause, counted per cause ({@code otp.redis.errors{cause}}), and logged
 * once per node, cause and period with Redis' own error text, instead of once per request. The first
 * failure of a cause is logged at once, so an outage shows at once; the rest of each period is summed up
 * in one line, and one line says when a node has gone a whole period without failing.
 */
final class RedisFailures {

    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger("otp.redis");
    private static final int MAX_TEXT = 200;
    /** Redis error codes worth a cause of their own (the first word of the error reply), and their tag. */
    private static final Map<String, String> REDIS_CODES = Map.ofEntries(Map.entry("CLUSTERDOWN", "clusterdown"),
            Map.entry("TRYAGAIN", "tryagain"), Map.entry("MOVED", "moved"), Map.entry("ASK", "ask"),
            Map.entry("LOADING", "loading"), Map.entry("READONLY", "readonly"), Map.entry("MASTERDOWN", "masterdown"),
            Map.entry("BUSY", "busy"), Map.entry("OOM", "oom"), Map.entry("NOSCRIPT", "noscript"),
            Map.entry("NOREPLICAS", "noreplicas"), Map.entry("NOAUTH", "noauth"), Map.entry("WRONGPASS", "wrongpass"));
    private static final Pattern REFUSED = Pattern.compile("connection refused", Pattern.CASE_INSENSITIVE);
    private static final Pattern POOL_FULL = Pattern.compile("wait queue", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOSED = Pattern.compile("connection|closed|reset by peer", Pattern.CASE_INSENSITIVE);

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Outage> outages = new ConcurrentHashMap<>();

    /** The failures of one node and cause in the current period. */
    private static final class Window {
        final String where;
        final String cause;
        long start;
        long suppressed;
        String lastText;

        Window(String where, String cause) {
            this.where = where;
            this.cause = cause;
        }
    }

    /** The failures of one node, whatever their cause, until a whole period passes without one. */
    private static final class Outage {
        final long first;
        volatile long last;
        final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        Outage(long first) {
            this.first = first;
        }
    }

    RedisFailures(MeterRegistry meters) {
        this.meters = meters;
    }

    /** {@code where}: the node (host:port) or the Sentinel master the call went to. */
    void failed(String where, Throwable failure) {
        String cause = cause(failure);
        counters.computeIfAbsent(cause, c -> Counter.builder("otp.redis.errors")
                .description("Failed or timed-out Redis calls (each answered 503), by cause")
                .tag("cause", c).register(meters)).increment();
        long now = System.currentTimeMillis();
        Outage outage = outages.computeIfAbsent(where, w -> new Outage(now));
        outage.last = now;
        outage.count.incrementAndGet();
        String text = text(failure);
        Window w = windows.computeIfAbsent(where + " " + cause, k -> new Window(where, cause));
        synchronized (w) {
            w.lastText = text;
            if (w.start != 0 && now - w.start < PERIOD.toMillis()) {
                w.suppressed++;
                return;
            }
            long before = w.suppressed;
            w.start = now;
            w.suppressed = 0;
            if (before > 0) {
                LOG.warnf("Redis %s: %s ×%d in the last %d s (%s)", where, cause, before + 1,
                        PERIOD.toSeconds(), text);
            } else {
                LOG.warnf("Redis %s: %s (%s)", where, cause, text);
            }
        }
    }

    /**
     * Called every period: one line for each node and cause whose period ended with failures left
     * unlogged, and one for each node that went a whole period without a failure after some.
     */
    void flush() {
        long now = System.currentTimeMillis();
        windows.values().forEach(w -> {
            synchronized (w) {
                if (w.suppressed > 0 && now - w.start >= PERIOD.toMillis()) {
                    LOG.warnf("Redis %s: %s ×%d in the last %d s (%s)", w.where, w.cause, w.suppressed,
                            (now - w.start) / 1000, w.lastText);
                    w.suppressed = 0;
                    w.start = now;
                }
            }
        });
        windows.values().removeIf(w -> {
            synchronized (w) {
                return w.suppressed == 0 && now - w.start >= 6 * PERIOD.toMillis();
            }
        });
        outages.forEach((where, outage) -> {
            if (now - outage.last >= PERIOD.toMillis() && outages.remove(where, outage)) {
                LOG.infof("Redis %s: no failure for %d s (%d calls failed in the %.1f s before)", where,
                        PERIOD.toSeconds(), outage.count.get(), (outage.last - outage.first) / 1000.0);
            }
        });
    }

    /** A bounded name for why a call failed: a Redis error code, or what happened to the connection. */
    static String cause(Throwable failure) {
        Throwable f = unwrap(failure);
        // Netty's ConnectTimeoutException (a node that drops the connection attempt) is an IOException
        if (f instanceof TimeoutException || f.getClass().getSimpleName().equals("ConnectTimeoutException")) {
            return "timeout";
        }
        if (f instanceof ReplicaNotAcknowledged) {
            return "replica-ack";
        }
        if (f instanceof ClusterRouter.NoRouteException) {
            return "no-route";
        }
        String text = text(f);
        String code = REDIS_CODES.get(text.split("\\s+", 2)[0]);
        if (code != null) {
            return code;
        }
        if (REFUSED.matcher(text).find()) {
            return "connection-refused";
        }
        if (POOL_FULL.matcher(text).find() || f.getClass().getSimpleName().equals("ConnectionPoolTooBusyException")) {
            return "pool-full";
        }
        if (CLOSED.matcher(text).find() || f instanceof ClosedChannelException || f instanceof java.io.IOException) {
            return "connection-closed";
        }
        return f instanceof ErrorType ? "redis-error" : "other";
    }

    /**
     * The error's own text, one line: Redis' reply ({@code CLUSTERDOWN The cluster is down}) or the
     * connection's ({@code Connection refused: /10.0.0.5:6379}). A failed pipelined call reports
     * {@code ERR [i] <error>}; the prefix is dropped. Redis' errors name commands, never our arguments.
     */
    static String text(Throwable failure) {
        Throwable f = unwrap(failure);
        String message = f.getMessage();
        if (message == null || message.isBlank()) {
            return f.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse("");
        int close = line.indexOf("] ");
        if (line.startsWith("ERR [") && close >= 0) {
            line = line.substring(close + 2);
        }
        if (!(f instanceof ErrorType) && !line.contains(f.getClass().getSimpleName())
                && !line.startsWith("Connection")) {
            line = f.getClass().getSimpleName() + ": " + line;
        }
        return line.length() > MAX_TEXT ? line.substring(0, MAX_TEXT) + "…" : line;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while (f.getCause() != null && f.getCause() != f
                && (f instanceof java.util.concurrent.CompletionException || f instanceof StoreUnavailableException)) {
            f = f.getCause();
        }
        return f;
    }

    /** A state change that ends a verification ran on the master, but no replica confirmed it in time. */
    static final class ReplicaNotAcknowledged extends RuntimeException {
        ReplicaNotAcknowledged(Duration waited) {
            super("WAIT: no replica acknowledged the write within " + waited.toMillis() + " ms", null, false, false);
        }
    }
}

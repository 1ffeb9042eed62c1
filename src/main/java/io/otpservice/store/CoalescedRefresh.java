package io.otpservice.store;

import io.vertx.core.Vertx;

/**
 * A topology refresh asked for soon after a failed call: at once if the last one started long enough ago,
 * else once when it has, however many calls asked in between.
 */
final class CoalescedRefresh {

    private final Vertx vertx;
    private final long intervalMs;
    private final Runnable refresh;
    private volatile long lastStart;
    private volatile boolean scheduled;
    private volatile boolean closed;

    CoalescedRefresh(Vertx vertx, long intervalMs, Runnable refresh) {
        this.vertx = vertx;
        this.intervalMs = intervalMs;
        this.refresh = refresh;
    }

    void soon() {
        if (closed || scheduled) {
            return;
        }
        long wait = lastStart + intervalMs - System.currentTimeMillis();
        if (wait <= 0) {
            refresh.run();
            return;
        }
        scheduled = true;
        vertx.setTimer(wait, id -> {
            scheduled = false;
            refresh.run();
        });
    }

    /** The refresh calls this as it starts, however it was started (soon, its period, a first load). */
    void started() {
        lastStart = System.currentTimeMillis();
    }

    void close() {
        closed = true;
    }
}

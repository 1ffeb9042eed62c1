package io.otpservice.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Steady load on the service during a Redis failover: checks of verification ids made up for each
 * shard (the id carries the hash tag, so the shard is known), which run the check script on that
 * shard's master and answer 404 while Redis answers, 503 when it does not. Every answer is kept with
 * when it was asked, its shard and its latency, for per-second tables and the figures the tests assert.
 */
public final class ShardLoad implements AutoCloseable {

    public record Sample(long at, long latencyMs, String shard, int status) {
        public boolean served() {
            return status == 404;
        }
    }

    private final URI base;
    private final Map<String, List<String>> idsByShard;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    // HTTP/1.1 as most backends call it over plain http (the JDK client would otherwise try an h2c upgrade)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running = true;

    /** {@code workers} requests in flight at any time, spread over the shards in turn. */
    public ShardLoad(URI base, Map<String, List<String>> idsByShard, int workers) {
        this.base = base;
        this.idsByShard = idsByShard;
        List<String> shards = new ArrayList<>(idsByShard.keySet());
        for (int w = 0; w < workers; w++) {
            String shard = shards.get(w % shards.size());
            this.workers.submit(() -> loop(shard));
        }
    }

    private void loop(String shard) {
        List<String> ids = idsByShard.get(shard);
        while (running) {
            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/verifications/" + id + "/check"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + ApiTest.KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"000000\"}")).build();
            long start = System.currentTimeMillis();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                status = 0;
            }
            samples.add(new Sample(start, System.currentTimeMillis() - start, shard, status));
            if (status != 404) {
                sleep(20); // a failing shard is asked as often as it answers, not in a tight loop
            }
        }
    }

    public List<Sample> stop() {
        running = false;
        workers.close();
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        running = false;
        workers.shutdownNow();
    }

    /** Share of answers served among those asked in [from, to) for the shards that match. */
    public static double servedShare(List<Sample> samples, long from, long to, Predicate<String> shards) {
        long all = 0;
        long served = 0;
        for (Sample s : samples) {
            if (s.at() >= from && s.at() < to && shards.test(s.shard())) {
                all++;
                served += s.served() ? 1 : 0;
            }
        }
        return all == 0 ? Double.NaN : (double) served / all;
    }

    /** Median latency of the served answers in [from, to) for the shards that match. */
    public static long medianLatency(List<Sample> samples, long from, long to, Predicate<String> shards) {
        List<Long> latencies = samples.stream().filter(s -> s.served() && s.at() >= from && s.at() < to
                && shards.test(s.shard())).map(Sample::latencyMs).sorted().toList();
        return latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
    }

    /** Per second from {@code zero}: "served/503/other" for each shard. */
    public static String table(List<Sample> samples, long zero, String hit) {
        Map<Long, Map<String, int[]>> seconds = new TreeMap<>();
        for (Sample s : samples) {
            long second = Math.floorDiv(s.at() - zero, 1000);
            int[] counts = seconds.computeIfAbsent(second, x -> new TreeMap<>()).computeIfAbsent(s.shard(), x -> new int[3]);
            counts[s.served() ? 0 : s.status() == 503 ? 1 : 2]++;
        }
        StringBuilder out = new StringBuilder("t(s)  shard:served/503/other  (* = the shard hit)\n");
        seconds.forEach((second, shards) -> {
            out.append(String.format("%+4d ", second));
            shards.forEach((shard, c) -> out.append(String.format(" %s%s:%d/%d/%d", shard, shard.equals(hit) ? "*" : " ",
                    c[0], c[1], c[2])));
            out.append('\n');
        });
        return out.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

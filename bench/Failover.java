// One Redis failover under load, measured from the outside: run by bench/failover.sh, which starts the
// Redis topology and the service. Usage:
//   java bench/Failover.java TOPOLOGY FAULT BASE_URL MANAGEMENT_URL SERVICE_LOG PORT...
//   TOPOLOGY: cluster (PORT... = the nodes) | sentinel (PORT... = the Sentinels)   FAULT: kill | stop
// Env: WORKERS per shard (8), WARMUP s (10), BEFORE s (5), AFTER s after the promotion is reported (10).
// Load: checks of made-up verification ids on each shard (404 while Redis answers, 503 when it does
// not), each shard with workers of its own. The fault (kill -9 or SIGSTOP, never resumed while measured)
// hits the master of slot 0. Prints per second, by shard, served/503/other answers and p50/p99 of
// the served ones, then the figures of issue #13's targets.
import java.io.*;
import java.net.*;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.stream.*;

public class Failover {

    record Sample(long at, long latencyMs, String shard, int status) {}

    public static void main(String[] a) throws Exception {
        String topology = a[0], fault = a[1];
        URI base = URI.create(a[2]);
        String metrics = a[3];
        Path log = Path.of(a[4]);
        List<Integer> ports = Arrays.stream(a).skip(5).map(Integer::parseInt).toList();
        int workers = Integer.parseInt(System.getenv().getOrDefault("WORKERS", "8"));
        long warmup = Long.parseLong(System.getenv().getOrDefault("WARMUP", "10")) * 1000;
        long before = Long.parseLong(System.getenv().getOrDefault("BEFORE", "5")) * 1000;
        long after = Long.parseLong(System.getenv().getOrDefault("AFTER", "10")) * 1000;

        // shards by slot range and the master hit
        Map<String, int[]> ranges = new LinkedHashMap<>();
        int victim, witness, replica;
        String sentinelMaster = null;
        if (topology.equals("cluster")) {
            List<String[]> nodes = Resp.text(ports.get(0), "CLUSTER", "NODES").lines().map(l -> l.split(" ")).toList();
            List<String[]> masters = nodes.stream().filter(f -> f[2].contains("master") && f.length > 8)
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f[8].split("-")[0]))).toList();
            char name = 'A';
            for (String[] m : masters) {
                String[] r = m[8].split("-");
                ranges.put(String.valueOf(name++), new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
            }
            String[] hit = masters.get(0);
            victim = port(hit[1]);
            witness = port(masters.get(1)[1]);
            replica = nodes.stream().filter(f -> f[3].equals(hit[0])).map(f -> port(f[1])).findFirst().orElseThrow();
        } else {
            ranges.put("M", new int[] {0, 16383});
            witness = ports.get(0);
            List<?> address = (List<?>) Resp.call(witness, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "otp");
            victim = Integer.parseInt(address.get(1).toString());
            replica = -1;
            sentinelMaster = "otp";
        }
        String hitShard = ranges.keySet().iterator().next();
        long pid = Long.parseLong(field(Resp.text(victim, "INFO", "server"), "process_id"));

        Map<String, List<String>> ids = new LinkedHashMap<>();
        ranges.forEach((name, r) -> ids.put(name, IntStream.range(0, 0x10000).mapToObj(t -> String.format("%04x", t))
                .filter(tag -> { int s = Slots.of(tag); return s >= r[0] && s <= r[1]; }).limit(16)
                .map(tag -> "VE" + tag + "0".repeat(27) + "1").toList()));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1) // as wrk and most backends
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long warmEnd = System.currentTimeMillis() + warmup;
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (String shard : ids.keySet()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    List<String> mine = ids.get(shard);
                    while (running.get()) {
                        String id = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/verifications/" + id + "/check"))
                                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer bench-key")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"123456\"}")).build();
                        long t0 = System.currentTimeMillis();
                        int status;
                        try {
                            status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            status = 0;
                        }
                        long t1 = System.currentTimeMillis();
                        if (t0 >= warmEnd) {
                            samples.add(new Sample(t0, t1 - t0, shard, status));
                        }
                        if (status != 404) {
                            Thread.sleep(10);
                        }
                    }
                    return null;
                });
            }
        }
        Thread.sleep(warmup + before);
        long logMark = Files.exists(log) ? Files.size(log) : 0;
        Map<String, Double> errorsBefore = redisErrors(metrics);
        long faultAt = System.currentTimeMillis();
        new ProcessBuilder("kill", fault.equals("kill") ? "-9" : "-STOP", Long.toString(pid)).start().waitFor();
        long promotedAt = -1, reportedAt = -1;
        while (System.currentTimeMillis() < faultAt + 60_000 && (promotedAt < 0 || reportedAt < 0)) {
            long now = System.currentTimeMillis();
            if (topology.equals("cluster")) {
                if (promotedAt < 0 && "master".equals(role(replica))) promotedAt = now;
                String view = Resp.text(witness, "CLUSTER", "NODES");
                if (reportedAt < 0 && view != null && view.lines().anyMatch(l -> l.contains(":" + replica + "@")
                        && l.contains("master") && l.split(" ").length > 8)) reportedAt = now;
            } else {
                Object address = Resp.callQuietly(witness, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinelMaster);
                if (address instanceof List<?> l && Integer.parseInt(l.get(1).toString()) != victim) {
                    reportedAt = now;
                    if (promotedAt < 0) promotedAt = now;
                }
            }
            Thread.sleep(50);
        }
        long reported = reportedAt;
        Thread.sleep(Math.max(0, (reportedAt < 0 ? faultAt + 20_000 : reportedAt + after) - System.currentTimeMillis()));
        running.set(false);
        pool.close();
        if (fault.equals("stop")) {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
        List<Sample> all;
        synchronized (samples) { all = new ArrayList<>(samples); }
        long end = all.stream().mapToLong(Sample::at).max().orElse(faultAt) - 1000;

        System.out.printf("%s, %s of 127.0.0.1:%d (the master of shard %s, pid %d) at t=0; otp.redis.timeout as configured%n",
                topology, fault.equals("kill") ? "kill -9" : "SIGSTOP (not resumed while measured)", victim, hitShard, pid);
        if (topology.equals("cluster")) {
            System.out.printf("replica 127.0.0.1:%d says ROLE master at %s; 127.0.0.1:%d's CLUSTER NODES reports it at %s%n",
                    replica, rel(promotedAt, faultAt), witness, rel(reportedAt, faultAt));
        } else {
            System.out.printf("the Sentinels name a new master (+switch-master) at %s%n", rel(reportedAt, faultAt));
        }
        System.out.println("per second (t = start of the second; * = the shard hit): served/503/other  p50/p99 ms of the served");
        StringBuilder header = new StringBuilder(String.format("%6s", "t(s)"));
        for (String s : ids.keySet()) header.append(String.format(" | %-30s", s + (s.equals(hitShard) ? "*" : "")));
        System.out.println(header);
        for (long t = faultAt - before; t < end; t += 1000) {
            long from = t;
            StringBuilder row = new StringBuilder(String.format("%+6.0f", (t - faultAt) / 1000.0));
            for (String s : ids.keySet()) {
                List<Sample> in = all.stream().filter(x -> x.shard().equals(s) && x.at() >= from && x.at() < from + 1000).toList();
                long ok = in.stream().filter(x -> x.status() == 404).count();
                long unavailable = in.stream().filter(x -> x.status() == 503).count();
                long[] lat = in.stream().filter(x -> x.status() == 404).mapToLong(Sample::latencyMs).sorted().toArray();
                row.append(String.format(" | %6d/%5d/%3d %5s/%-6s", ok, unavailable, in.size() - ok - unavailable,
                        pct(lat, 50), pct(lat, 99)));
            }
            System.out.println(row + (reported >= from && reported < from + 1000 ? "  <- promotion reported" : ""));
        }

        System.out.println("figures:");
        if (ids.size() > 1) {
            List<Sample> othersBefore = all.stream().filter(x -> !x.shard().equals(hitShard) && x.at() < faultAt).toList();
            List<Sample> othersAfter = all.stream().filter(x -> !x.shard().equals(hitShard) && x.at() >= faultAt && x.at() < end).toList();
            long okAfter = othersAfter.stream().filter(x -> x.status() == 404).count();
            System.out.printf("- other shards after the fault: %.2f %% served (%d of %d failed); p50/p99 %s/%s ms before, %s/%s ms after%n",
                    100.0 * okAfter / Math.max(1, othersAfter.size()), othersAfter.size() - okAfter, othersAfter.size(),
                    pct(lat(othersBefore), 50), pct(lat(othersBefore), 99), pct(lat(othersAfter), 50), pct(lat(othersAfter), 99));
        }
        List<Sample> hit = all.stream().filter(x -> x.shard().equals(hitShard) && x.at() >= faultAt && x.at() < end).toList();
        long slowest503 = hit.stream().filter(x -> x.status() == 503).mapToLong(Sample::latencyMs).max().orElse(0);
        long median503 = pctLong(hit.stream().filter(x -> x.status() == 503).mapToLong(Sample::latencyMs).sorted().toArray(), 50);
        long last503 = hit.stream().filter(x -> x.status() == 503).mapToLong(Sample::at).max().orElse(faultAt);
        long others = hit.stream().filter(x -> x.status() != 503 && x.status() != 404).count();
        // recovery: the first 100 ms bucket from which on every bucket of the hit shard is >= 99 % served
        Long recovered = null;
        for (long b = faultAt - faultAt % 100; b < end; b += 100) {
            long from = b;
            boolean sustained = true;
            for (long c = from; c < end && sustained; c += 100) {
                long cc = c;
                List<Sample> in = hit.stream().filter(x -> x.at() >= cc && x.at() < cc + 100).toList();
                long ok = in.stream().filter(x -> x.status() == 404).count();
                sustained = in.isEmpty() || ok >= 0.99 * in.size();
            }
            boolean served = hit.stream().anyMatch(x -> x.at() >= from && x.at() < from + 100 && x.status() == 404);
            if (sustained && served) { recovered = from; break; }
        }
        System.out.printf("- shard %s: %d answers 503 (median %d ms, slowest %d ms), %d other failures; the last 503 was asked at %s%n",
                hitShard, hit.stream().filter(x -> x.status() == 503).count(), median503, slowest503, others, rel(last503, faultAt));
        System.out.printf("- shard %s served again (>= 99 %% from then on) at %s, %s after the promotion was reported%n", hitShard,
                recovered == null ? "never" : rel(recovered, faultAt),
                recovered == null || reportedAt < 0 ? "-" : String.format("%+.1f s", (recovered - reportedAt) / 1000.0));
        Map<String, Double> errorsAfter = redisErrors(metrics);
        Map<String, Long> counted = new TreeMap<>();
        errorsAfter.forEach((cause, n) -> { long d = Math.round(n - errorsBefore.getOrDefault(cause, 0.0)); if (d > 0) counted.put(cause, d); });
        byte[] logged = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
        int from = (int) Math.min(logMark, logged.length);
        List<String> lines = new String(logged, from, logged.length - from, StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("otp.redis") && (l.contains("WARN") || l.contains("INFO"))).toList();
        System.out.printf("- otp_redis_errors_total by cause during the run: %s; the service logged %d lines about Redis:%n", counted, lines.size());
        lines.forEach(l -> System.out.println("    " + message(l)));
        System.out.printf("- \"Unhandled Error\" lines: %d%n", Files.exists(log) ? Files.readAllLines(log).stream()
                .filter(l -> l.contains("Unhandled Error")).count() : 0);
    }

    static String message(String jsonOrPlain) {
        int at = jsonOrPlain.indexOf("\"message\":\"");
        if (at < 0) return jsonOrPlain;
        String rest = jsonOrPlain.substring(at + 11);
        return rest.substring(0, rest.indexOf("\",\"")).replace("\\\"", "\"");
    }

    static Map<String, Double> redisErrors(String metrics) {
        Map<String, Double> out = new HashMap<>();
        try {
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.lines().toList()) {
                if (line.startsWith("otp_redis_errors_total{")) {
                    String cause = line.replaceAll(".*cause=\"([^\"]*)\".*", "$1");
                    out.put(cause, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
        } catch (Exception e) {
            // metrics unavailable: the figures go without
        }
        return out;
    }

    static long[] lat(List<Sample> s) {
        return s.stream().filter(x -> x.status() == 404).mapToLong(Sample::latencyMs).sorted().toArray();
    }

    static String pct(long[] sorted, int p) {
        return sorted.length == 0 ? "-" : Long.toString(pctLong(sorted, p));
    }

    static long pctLong(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static String rel(long t, long zero) {
        return t < 0 ? "never (60 s)" : String.format("%+.1f s", (t - zero) / 1000.0);
    }

    static String role(int port) {
        Object r = Resp.callQuietly(port, "ROLE");
        return r instanceof List<?> l && !l.isEmpty() ? l.get(0).toString() : null;
    }

    static int port(String address) {
        String hp = address.split("@")[0];
        return Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1));
    }

    static String field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow().substring(name.length() + 1).trim();
    }

    /** Redis Cluster's key slot: CRC16 (XMODEM) of the {hash tag}. */
    static final class Slots {
        static int of(String key) {
            int crc = 0;
            for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
                crc ^= (b & 0xFF) << 8;
                for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xFFFF;
            }
            return crc & 16383;
        }
    }

    /** A blocking RESP2 client of one connection per call. */
    static final class Resp {
        static Object callQuietly(int port, String... args) {
            try { return call(port, args); } catch (Exception e) { return null; }
        }

        static String text(int port, String... args) {
            Object r = callQuietly(port, args);
            return r == null ? null : r.toString();
        }

        static Object call(int port, String... args) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(500);
                StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
                for (String x : args) cmd.append('$').append(x.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(x).append("\r\n");
                s.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
                return read(new BufferedInputStream(s.getInputStream()));
            }
        }

        static Object read(InputStream in) throws IOException {
            int type = in.read();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\r'; ) { if (c < 0) throw new EOFException(); line.append((char) c); }
            in.read();
            switch (type) {
                case '+': case ':': return line.toString();
                case '-': throw new IOException(line.toString());
                case '$': {
                    int n = Integer.parseInt(line.toString());
                    if (n < 0) return null;
                    byte[] b = in.readNBytes(n); in.readNBytes(2);
                    return new String(b, StandardCharsets.UTF_8);
                }
                case '*': {
                    int n = Integer.parseInt(line.toString());
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < n; i++) items.add(read(in));
                    return items;
                }
                default: throw new IOException("reply type " + type);
            }
        }
    }
}

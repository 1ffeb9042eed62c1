package io.otpservice.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real {@code redis-server} child process on 127.0.0.1, for dev mode and tests: the one on PATH,
 * else the binary shipped in the embedded-redis jar (a dev/test-only dependency). Never used in
 * production, where {@code quarkus.redis.hosts} points at a real deployment.
 */
public final class RedisProcess {

    private final Path binary;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final Object lock = new Object();
    private Process process;

    private RedisProcess(Path binary, int port, Path dir, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts a server on a free port. */
    public static RedisProcess launch(String... extraArgs) {
        try {
            RedisProcess redis = new RedisProcess(binary(), freePort(), Files.createTempDirectory("otp-redis-"),
                    List.of(extraArgs));
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on {@code port} (a Redis Cluster node also needs {@code port + 10000} free for its bus). */
    public static RedisProcess launchOn(int port, String... extraArgs) {
        try {
            RedisProcess redis = new RedisProcess(binary(), port, Files.createTempDirectory("otp-redis-"),
                    List.of(extraArgs));
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts (again) on the same port, e.g. after {@link #stop()}. */
    public void start() {
        synchronized (lock) {
            startLocked();
        }
    }

    private void startLocked() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!ping()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port + "; see "
                        + dir.resolve("redis.log"));
            }
            sleep(20);
        }
    }

    public void stop() {
        synchronized (lock) {
            stopLocked();
        }
    }

    private void stopLocked() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        synchronized (lock) {
            if (process == null) {
                throw new IllegalStateException("redis-server is not running");
            }
            return process.pid();
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public Path binaryPath() {
        return binary;
    }

    /** PING answered PONG. */
    public boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            int read = socket.getInputStream().read(reply);
            return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public static Path binary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String resource = bundledName();
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "otp-service-redis");
        Path target = cache.resolve(resource);
        if (!Files.isExecutable(target)) {
            try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("no redis-server on PATH and no bundled " + resource
                            + " on the class path (it comes with the embedded-redis dev/test dependency)");
                }
                Files.createDirectories(cache);
                Path partial = Files.createTempFile(cache, "redis", ".part");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                partial.toFile().setExecutable(true);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return target;
    }

    private static String bundledName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        boolean arm = System.getProperty("os.arch").contains("aarch64") || System.getProperty("os.arch").contains("arm");
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

import com.sun.net.httpserver.HttpServer;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for an SMS provider in bench/fraud.sh: takes the webhook provider's requests and writes
 * "<verification id> <code>" per first send to the file named by the request path, so that right-code
 * checks can be measured on real (non-test) SMS verifications. Answers 202 at once.
 *   java bench/CodeSink.java <port> <directory>
 */
public class CodeSink {

    private static final Pattern REFERENCE = Pattern.compile("\"reference\":\"(VE[0-9a-f]+)\\.1\"");
    private static final Pattern CODE = Pattern.compile("#([0-9]{4,10})");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        Map<String, PrintWriter> files = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher reference = REFERENCE.matcher(body);
            Matcher code = CODE.matcher(body);
            if (reference.find() && code.find()) {
                String name = exchange.getRequestURI().getPath().replaceAll("[^A-Za-z0-9]", "");
                PrintWriter out = files.computeIfAbsent(name, n -> {
                    try {
                        return new PrintWriter(new FileWriter(dir.resolve(n).toFile(), StandardCharsets.UTF_8, true), true);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                synchronized (out) {
                    out.println(reference.group(1) + " " + code.group(1));
                }
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }
}

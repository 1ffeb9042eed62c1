package io.otpservice.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking Redis client of a few lines, for setting up and watching test topologies before and
 * outside the service (no Vert.x, no pool): one connection per call, RESP2 replies as String, Long,
 * List or null; an error reply throws {@link Error}.
 */
public final class Resp {

    private Resp() {
    }

    /** A Redis error reply. */
    public static final class Error extends RuntimeException {
        Error(String message) {
            super(message);
        }
    }

    public static Object call(int port, String... args) {
        return call(port, 2_000, args);
    }

    public static Object call(int port, int timeoutMs, String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream command = new ByteArrayOutputStream();
            command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                command.writeBytes(bytes);
                command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(command.toByteArray());
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("127.0.0.1:" + port + " " + String.join(" ", args[0]), e);
        }
    }

    /** The reply as text (bulk and simple strings), or null when the node did not answer. */
    public static String text(int port, String... args) {
        try {
            Object reply = call(port, 1_000, args);
            return reply == null ? null : reply.toString();
        } catch (UncheckedIOException | Error e) {
            return null;
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new Error(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length);
                in.readNBytes(2);
                yield new String(bytes, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                yield items;
            }
            default -> throw new IOException("unexpected reply type " + type);
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }
}

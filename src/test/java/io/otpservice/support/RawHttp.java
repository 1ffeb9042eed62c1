package io.otpservice.support;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand over a socket to the test server: for what an HTTP client library will not
 * send (chunked bodies of a chosen framing, empty or repeated headers, broken header lines), and for
 * reading exactly what came back, status line, headers and body.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** What the server answered; {@code status} 0 when it closed the connection without an answer. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        public boolean isProblem(int expected, String code) {
            return status == expected && String.valueOf(header("content-type")).startsWith("application/problem+json")
                    && body.contains("\"code\":\"" + code + "\"");
        }
    }

    /** Sends a head (request line and header lines, without the blank line) and a body as given. */
    public static Answer exchange(String head, byte[] body) throws IOException {
        return exchange(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** Sends exactly these bytes (no Host or Connection header added) and reads the answer. */
    public static Answer exchangeAsIs(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
    }

    /** The head then each chunk of the body in chunked framing, then the last chunk. */
    public static Answer chunked(String head, byte[] body, int chunkSize) throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += chunkSize) {
            int n = Math.min(chunkSize, body.length - i);
            framed.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            framed.write(body, i, n);
            framed.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        framed.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return exchange(head + "\r\nTransfer-Encoding: chunked", framed.toByteArray());
    }

    private static Answer exchange(byte[] head, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head);
        request.write("\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return send(request.toByteArray(), body);
    }

    /** Sends {@code head} as it is, then {@code body}, and reads the answer. */
    private static Answer send(byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            try {
                out.write(body);
                out.flush();
            } catch (SocketException e) {
                // the server may answer and close before it has read the whole body; read what it said
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; !complete(all) && (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException | SocketTimeoutException e) {
            // a reset after the answer, or a server that keeps the connection: keep what arrived
        }
        // ISO-8859-1 keeps one char per byte, so chunk sizes count right; the body is decoded as UTF-8 at the end
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(0, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String rest = text.substring(end + 4);
        List<String> encoding = headers.get("transfer-encoding");
        String body = encoding != null && encoding.contains("chunked") ? unchunk(rest) : rest;
        return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    /** A whole answer has arrived: its head and the body its Content-Length or last chunk announces. */
    private static boolean complete(ByteArrayOutputStream received) {
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(Locale.ROOT);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length: *([0-9]+)").matcher(head);
        if (length.find()) {
            return text.length() - end - 4 >= Integer.parseInt(length.group(1));
        }
        return head.contains("\r\ntransfer-encoding: chunked") && text.endsWith("0\r\n\r\n");
    }

    private static String unchunk(String framed) {
        StringBuilder body = new StringBuilder();
        int i = 0;
        while (i < framed.length()) {
            int eol = framed.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(framed.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(framed, eol + 2, Math.min(framed.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return body.toString();
    }
}

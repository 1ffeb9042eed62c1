package io.otpservice.delivery.receipt;

import io.otpservice.support.TestConfig;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Vonage delivery receipts: each input (query, newline, body) is read unsigned, which must be refused,
 * then as JSON and as a form, signed both ways Vonage documents: a signed JWT bound to the body, and
 * the {@code sig} field over what the reader parsed (with a fresh {@code timestamp} added to the query).
 * Signed, a read is taken or unreadable, never badly signed. Run by ReceiptsFuzzTest.
 */
final class VonageReceiptsFuzzing {

    private VonageReceiptsFuzzing() {
    }

    private static final VonageReceipts READER = new VonageReceipts(TestConfig.otp(), WebhookReceiptsFuzzing.mapper());
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";

    static void read(byte[] data) {
        ReceiptFuzzing.Input in = ReceiptFuzzing.Input.of(data);
        ReceiptFuzzing.read(READER, FORM, in, Map.of(), false);
        ReceiptFuzzing.read(READER, JSON, in, Map.of("Authorization", ""), false);
        ReceiptFuzzing.read(READER, JSON, in, Map.of("Authorization", "Bearer not.a.jwt"), false);
        if (!ReceiptFuzzing.utf8(in.body())) {
            return;
        }
        Map<String, String> jwt = Map.of("Authorization", "Bearer " + jwt(in.body()));
        ReceiptFuzzing.read(READER, JSON, in, jwt, true);
        ReceiptFuzzing.read(READER, FORM, in, jwt, true);
        for (String type : new String[]{JSON, FORM}) {
            ReceiptFuzzing.Input withSig = sigSigned(in, type);
            if (withSig != null) {
                ReceiptFuzzing.read(READER, type, withSig, Map.of(), true);
            }
        }
    }

    /** The input with {@code timestamp} and {@code sig} added to its query, or null when the reader cannot parse it. */
    private static ReceiptFuzzing.Input sigSigned(ReceiptFuzzing.Input in, String type) {
        long now = System.currentTimeMillis() / 1000;
        String query = (in.query() == null || in.query().isEmpty() ? "" : in.query() + "&") + "timestamp=" + now;
        Map<String, String> params;
        try {
            params = new HashMap<>(ReceiptParsing.firstValues(ReceiptParsing.form(query)));
            Map<String, String> body = ReceiptParsing.isJson(type)
                    ? ReceiptParsing.flatJson(WebhookReceiptsFuzzing.mapper(), in.bodyText())
                    : ReceiptParsing.firstValues(ReceiptParsing.form(in.bodyText()));
            for (String name : body.keySet()) {
                if (params.containsKey(name)) {
                    return null;
                }
            }
            params.putAll(body);
        } catch (ReceiptRejected.Unreadable e) {
            return null;
        }
        if (params.containsKey("sig")) {
            return null;
        }
        StringBuilder signed = new StringBuilder();
        new TreeMap<>(params).forEach((name, value) ->
                signed.append('&').append(name).append('=').append(value.replace('&', '_').replace('=', '_')));
        String sig = HexFormat.of().withUpperCase().formatHex(ReceiptFuzzing.hmac("HmacSHA256", TestConfig.VONAGE_SECRET,
                signed.toString().getBytes(StandardCharsets.UTF_8)));
        return new ReceiptFuzzing.Input(query + "&sig=" + sig, in.body());
    }

    private static String jwt(byte[] body) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuedAtToNow();
        claims.setClaim("payload_hash", ReceiptFuzzing.sha256Hex(body).toLowerCase(Locale.ROOT));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(TestConfig.VONAGE_SECRET.getBytes(StandardCharsets.UTF_8)));
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.otpservice.delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** The tests' own HMAC, so a signature test never checks the service's code against itself. */
final class Signatures {

    private Signatures() {
    }

    static byte[] hmac(String algorithm, String key, String data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    static String hmacHex(String algorithm, String key, String data) throws Exception {
        return HexFormat.of().formatHex(hmac(algorithm, key, data));
    }
}

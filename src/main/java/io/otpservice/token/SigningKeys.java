package io.otpservice.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** EC P-256 keys from PEM, their public halves, RFC 7638 thumbprints and JWKs. Pure Java. */
public final class SigningKeys {

    private SigningKeys() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** A PKCS#8 private key (with or without PEM armour) and the public key it implies. */
    public static KeyPair fromPrivatePem(String pem) throws GeneralSecurityException {
        byte[] der = der(pem);
        ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        requireP256(key.getParams());
        ECPoint embedded = embeddedPublicPoint(der);
        if (embedded != null) {
            // the public half the key file carries (OpenSSL writes it), accepted once it verifies a signature of the private half
            ECPublicKey publicKey = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(embedded, key.getParams()));
            if (pairs(key, publicKey)) {
                return new KeyPair(publicKey, key);
            }
        }
        // computed in Java: a tenth of the start-up's Java samples when it ran at every start (JFR)
        ECPoint q = multiply(key.getParams(), key.getS());
        ECPublicKey publicKey = (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(q, key.getParams()));
        return new KeyPair(publicKey, key);
    }

    /** The uncompressed P-256 point of the ECPrivateKey's optional [1] publicKey field, or null. */
    static ECPoint embeddedPublicPoint(byte[] der) {
        // [1] { BIT STRING { 0 unused bits, 0x04 || X || Y } }
        byte[] marker = {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04};
        outer:
        for (int i = 0; i + marker.length + 64 <= der.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (der[i + j] != marker[j]) {
                    continue outer;
                }
            }
            int at = i + marker.length;
            return new ECPoint(new BigInteger(1, java.util.Arrays.copyOfRange(der, at, at + 32)),
                    new BigInteger(1, java.util.Arrays.copyOfRange(der, at + 32, at + 64)));
        }
        return null;
    }

    private static boolean pairs(ECPrivateKey privateKey, ECPublicKey publicKey) {
        try {
            byte[] probe = "otp-service key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static ECPublicKey fromPublicPem(String pem) throws GeneralSecurityException {
        ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(pem)));
        requireP256(key.getParams());
        return key;
    }

    /** The public JWK members, in the lexical order RFC 7638 hashes them. */
    public static Map<String, String> jwk(ECPublicKey key) {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("crv", "P-256");
        jwk.put("kty", "EC");
        jwk.put("x", coordinate(key.getW().getAffineX()));
        jwk.put("y", coordinate(key.getW().getAffineY()));
        return jwk;
    }

    public static String thumbprint(ECPublicKey key) {
        Map<String, String> jwk = jwk(key);
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.get("x") + "\",\"y\":\"" + jwk.get("y") + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static void requireP256(ECParameterSpec params) throws GeneralSecurityException {
        if (params.getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("not a P-256 key");
        }
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    /** d·G by double-and-add in affine coordinates: done once at start, on our own key. */
    private static ECPoint multiply(ECParameterSpec params, BigInteger d) {
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        BigInteger a = params.getCurve().getA();
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = params.getGenerator();
        for (int i = 0; i < d.bitLength(); i++) {
            if (d.testBit(i)) {
                result = add(result, addend, p, a);
            }
            addend = add(addend, addend, p, a);
        }
        return result;
    }

    private static ECPoint add(ECPoint P, ECPoint Q, BigInteger p, BigInteger a) {
        if (P.equals(ECPoint.POINT_INFINITY)) {
            return Q;
        }
        if (Q.equals(ECPoint.POINT_INFINITY)) {
            return P;
        }
        BigInteger x1 = P.getAffineX(), y1 = P.getAffineY(), x2 = Q.getAffineX(), y2 = Q.getAffineY();
        BigInteger lambda;
        if (x1.equals(x2)) {
            if (!y1.equals(y2) || y1.signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            lambda = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a)
                    .multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
        } else {
            lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
        }
        BigInteger x3 = lambda.pow(2).subtract(x1).subtract(x2).mod(p);
        BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
        return new ECPoint(x3, y3);
    }
}

// Prints a fresh, complete set of otp-service secrets as environment variables, using only the JDK:
//
//   java deploy/new-secrets.java > otp.env        # the env file for the service (and kubectl --from-env-file)
//
// The API key itself goes to the terminal (standard error), once: give it to your backend. The
// service is configured with its SHA-256 only. Run it again for another environment; never reuse.
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;

class NewSecrets {
    public static void main(String[] args) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] hmac = new byte[32];
        random.nextBytes(hmac);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"), random);
        byte[] signingKey = ec.generateKeyPair().getPrivate().getEncoded(); // PKCS#8 DER
        byte[] apiKeyBytes = new byte[32];
        random.nextBytes(apiKeyBytes);
        String apiKey = "otp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(apiKeyBytes);
        String apiKeyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes("UTF-8")));

        System.out.println("# otp-service secrets; keep this file in your secret store, not in git.");
        System.out.println("OTP_HMAC_SECRETS=" + Base64.getEncoder().encodeToString(hmac));
        System.out.println("OTP_TOKEN_SIGNING_KEY=" + Base64.getEncoder().encodeToString(signingKey));
        System.out.println("OTP_API_KEYS_BACKEND_HASH=" + apiKeyHash);
        System.out.println("OTP_API_KEYS_BACKEND_SCOPES=verify:send,verify:check,verify:read,verify:cancel");
        System.err.println("API key for your backend (shown once; only its hash is in the env file):");
        System.err.println("OTP_API_KEY=" + apiKey);
    }
}

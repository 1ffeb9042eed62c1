package io.otpservice.crypto;

import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ES256 tokens are the same whichever provider signs: one signed by the native provider (AWS-LC)
 * verifies with the JDK's SunEC and the other way round, as a backend verifying with any JOSE library
 * would. On linux x86_64 and aarch64 the native provider must load: the build ships it there.
 */
class NativeCryptoTest {

    private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    @Test
    void theNativeProviderLoadsWhereTheBuildShipsIt() throws Exception {
        boolean shipped = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && Set.of("amd64", "aarch64").contains(System.getProperty("os.arch"));
        assertThat(nativeProvider() != null).isEqualTo(shipped);
    }

    @Test
    void tokensSignedByEitherProviderVerifyWithTheOther() throws Exception {
        // where no native provider ships (another OS or CPU) this compares SunEC with itself
        Provider accp = nativeProvider() != null ? nativeProvider() : Security.getProvider("SunEC");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        String payload = "{\"sub\":\"+14155550100\",\"jti\":\"VE0123\",\"amr\":[\"otp\",\"sms\"]}";

        String byNative = sign(key, payload, accp.getName());
        String byJdk = sign(key, payload, "SunEC");
        assertThat(byNative).isNotEqualTo(byJdk); // ECDSA signatures are randomised

        assertThat(verify(key, byNative, "SunEC")).isEqualTo(payload);
        assertThat(verify(key, byJdk, accp.getName())).isEqualTo(payload);
        assertThat(verify(key, byNative, accp.getName())).isEqualTo(payload);
    }

    private static Provider nativeProvider() throws Exception {
        try {
            Class<?> type = Class.forName(ACCP);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            type.getMethod("assertHealthy").invoke(provider);
            if (Security.getProvider(provider.getName()) == null) {
                Security.addProvider(provider); // last: only named use here
            }
            return provider;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String sign(KeyPair key, String payload, String provider) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setPayload(payload);
        jws.setKey(key.getPrivate());
        jws.setProviderContext(context(provider));
        return jws.getCompactSerialization();
    }

    private static String verify(KeyPair key, String compact, String provider) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(compact);
        jws.setKey(key.getPublic());
        jws.setProviderContext(context(provider));
        assertThat(jws.verifySignature()).as("verified by " + provider).isTrue();
        return jws.getPayload();
    }

    private static ProviderContext context(String provider) {
        ProviderContext context = new ProviderContext();
        context.getSuppliedKeyProviderContext().setSignatureProvider(provider);
        return context;
    }
}

package io.otpservice.crypto;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.jboss.logging.Logger;

import java.security.Provider;
import java.security.Security;
import java.util.Optional;

/**
 * Puts a native crypto provider first where one can load: the Amazon Corretto Crypto Provider (AWS-LC
 * through JNI), which signs ES256 about ten times faster than the JDK's SunEC. It ships for
 * linux-x86_64 and linux-aarch64 JVMs; anywhere else (another OS or CPU, a native image, a library that
 * fails its self-test) the JDK's providers stay, with one line saying so. Tokens and HMACs are the
 * same bytes either way: only the speed differs.
 */
@Singleton
@Startup(1)
public final class NativeCrypto {

    private static final Logger LOG = Logger.getLogger(NativeCrypto.class);
    private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    private final Optional<Provider> installed;

    public NativeCrypto(OtpConfig config) {
        String mode = config.crypto().provider();
        this.installed = "jdk".equals(mode) ? Optional.empty() : install();
        if ("native".equals(mode) && installed.isEmpty()) {
            throw new ConfigurationException(
                    "otp.crypto.provider: native, but the native crypto provider cannot load on this platform");
        }
        LOG.infof("Crypto: %s", installed.map(p -> p.getName() + " " + p.getVersionStr() + " (native, first)")
                .orElse("the JDK's providers" + ("jdk".equals(mode) ? " (otp.crypto.provider=jdk)" : "")));
    }

    /** The native provider in use, if any. */
    public Optional<Provider> provider() {
        return installed;
    }

    private static Optional<Provider> install() {
        if (ImageMode.current() == ImageMode.NATIVE_RUN || ImageMode.current() == ImageMode.NATIVE_BUILD) {
            return Optional.empty(); // a JNI library of its own cannot load in a native executable
        }
        Provider existing = Security.getProvider("AmazonCorrettoCryptoProvider");
        if (existing != null) {
            return Optional.of(existing);
        }
        try {
            Class<?> type = Class.forName(ACCP);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            // loads the JNI library and runs its self-tests; throws when either fails
            type.getMethod("assertHealthy").invoke(provider);
            Security.insertProviderAt(provider, 1);
            return Optional.of(provider);
        } catch (ClassNotFoundException e) {
            return Optional.empty(); // not packaged for this platform
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.infof("Crypto: the native provider did not load here (%s); the JDK's providers are used",
                    cause.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}

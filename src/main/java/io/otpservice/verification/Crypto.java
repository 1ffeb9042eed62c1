package io.otpservice.verification;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.code.RecipientCipher;
import io.otpservice.config.Settings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The crypto helpers of the lifecycle as beans, built once from the configured HMAC secrets. */
public class Crypto {

    @Produces
    @Singleton
    CodeGenerator codeGenerator() {
        return new CodeGenerator();
    }

    @Produces
    @Singleton
    Hasher hasher(Settings settings) {
        return new Hasher(settings.hmacSecrets());
    }

    @Produces
    @Singleton
    RecipientCipher recipientCipher(Hasher hasher, CodeGenerator random) {
        return new RecipientCipher(hasher, random);
    }
}

package io.otpservice.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.config.spi.Converter;

import java.util.Locale;

/**
 * A switch of the service's own settings: {@code true} or {@code false} (also {@code yes}/{@code no},
 * {@code on}/{@code off}, {@code 1}/{@code 0}). Anything else stops the start: the stock converter reads
 * every other text as {@code false}, with a warning, so a typo such as {@code ture} would turn a
 * protection off. SmallRye Config creates it by reflection, hence registered for a native image.
 */
@RegisterForReflection
public final class StrictBoolean implements Converter<Boolean> {

    private static final long serialVersionUID = 1L;

    @Override
    public Boolean convert(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }
}

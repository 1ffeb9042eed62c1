package io.otpservice.recipient;

import java.util.Optional;

/** How a code reaches a person. {@link #wire()} is the name in the API, the config and Redis. */
public enum Channel {
    SMS("sms"),
    EMAIL("email");

    private final String wire;

    Channel(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Channel> fromWire(String wire) {
        for (Channel channel : values()) {
            if (channel.wire.equals(wire)) {
                return Optional.of(channel);
            }
        }
        return Optional.empty();
    }

    /** The channel a {@code to} implies: email when it holds an @, else sms. */
    public static Channel of(String to) {
        return to.indexOf('@') >= 0 ? EMAIL : SMS;
    }
}

package io.otpservice.store;

/**
 * What a master says of its replicas in {@code INFO replication}: the ones that would acknowledge a
 * {@code WAIT} now. A replica counts when it is {@code online} (not still loading a full copy) and
 * acknowledged within {@link #MAX_LAG_SECONDS} (replicas acknowledge every second, so a hung one
 * drops out after a few seconds even while its connection stays open).
 */
final class Replication {

    static final int MAX_LAG_SECONDS = 2;

    private Replication() {
    }

    static int healthyReplicas(String info) {
        int healthy = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("role:") && !line.trim().equals("role:master")) {
                return 0;
            }
            if (!line.startsWith("slave") || line.indexOf(':') < 0 || !Character.isDigit(line.charAt(5))) {
                continue;
            }
            boolean online = false;
            long lag = Long.MAX_VALUE;
            for (String pair : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                if (pair.equals("state=online")) {
                    online = true;
                } else if (pair.startsWith("lag=")) {
                    try {
                        lag = Long.parseLong(pair.substring(4));
                    } catch (NumberFormatException e) {
                        lag = Long.MAX_VALUE;
                    }
                }
            }
            if (online && lag <= MAX_LAG_SECONDS) {
                healthy++;
            }
        }
        return healthy;
    }
}

package io.otpservice.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One node's answer to {@code CLUSTER NODES}: every node it knows, its role, whether it considers it
 * failed, its config epoch and the slots it serves. Redis 6.2 and 7.x print the same columns
 * ({@code id ip:port@cport[,hostname] flags master ping pong epoch link slot...}).
 */
record ClusterNodes(List<Node> nodes) {

    /**
     * {@code myself}: the node that answered; {@code pongReceived}: when it last heard from this node (Unix ms,
     * its own clock; 0 for itself or never).
     */
    record Node(String id, String endpoint, boolean master, boolean failed, String masterId, long epoch,
                List<int[]> slots, boolean myself, long pongReceived) {
    }

    /** {@code from}: the host:port asked, for nodes that do not know their own address yet. */
    static ClusterNodes parse(String from, String text) {
        List<Node> nodes = new ArrayList<>();
        String fromHost = from.substring(0, from.lastIndexOf(':'));
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String flags = "," + f[2] + ",";
            if (flags.contains(",handshake,") || flags.contains(",noaddr,")) {
                continue;
            }
            String address = f[1];
            int cut = address.indexOf('@');
            if (cut >= 0) {
                address = address.substring(0, cut);
            }
            if (address.startsWith(":")) {
                address = fromHost + address;
            }
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                String range = f[i];
                if (range.startsWith("[")) {
                    continue; // a slot being migrated or imported: still served by its owner
                }
                int dash = range.indexOf('-');
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                slots.add(new int[] {first, dash < 0 ? first : Integer.parseInt(range.substring(dash + 1))});
            }
            // "fail?" is one node's suspicion; "fail" is the cluster's verdict
            nodes.add(new Node(f[0], address, flags.contains(",master,"), flags.contains(",fail,"),
                    "-".equals(f[3]) ? null : f[3], Long.parseLong(f[6]), slots, flags.contains(",myself,"),
                    Long.parseLong(f[5])));
        }
        return new ClusterNodes(nodes);
    }
}

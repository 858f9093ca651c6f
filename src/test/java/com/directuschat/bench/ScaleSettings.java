package com.directuschat.bench;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scale benchmark's run, from the system properties {@code <prefix>.n} (the Ns), {@code .rounds} (per N and side
 * over all blocks: one number for all N, or per N, e.g. {@code 100,1000:40}), {@code .blocks}, {@code .pace-ms}
 * (fixed paces, e.g. {@code 10:100,1000:3000}; otherwise calibrated per N) and {@code .warmup} (sends per block).
 */
record ScaleSettings(String prefix, List<Integer> ns, String rounds, int blocks, Map<Integer, Long> paces, int warmup) {

    static ScaleSettings fromProperties(String prefix, String defaultNs, String defaultRounds) {
        return new ScaleSettings(
                prefix,
                Arrays.stream(System.getProperty(prefix + ".n", defaultNs).split(","))
                        .map(String::strip)
                        .map(Integer::parseInt)
                        .sorted()
                        .toList(),
                System.getProperty(prefix + ".rounds", defaultRounds),
                Integer.getInteger(prefix + ".blocks", 2),
                paces(System.getProperty(prefix + ".pace-ms", "")),
                Integer.getInteger(prefix + ".warmup", 5));
    }

    int largestN() {
        return ns.get(ns.size() - 1);
    }

    /** Rounds at N for one side over all its blocks. */
    int rounds(int n) {
        int all = 100;
        for (String part : rounds.split(",")) {
            String[] kv = part.strip().split(":");
            if (kv.length == 1) {
                all = Integer.parseInt(kv[0]);
            } else if (Integer.parseInt(kv[0]) == n) {
                return Integer.parseInt(kv[1]);
            }
        }
        return all;
    }

    /** This block's share of the rounds at N (the first blocks take the rest of the division). */
    int rounds(int n, int block) {
        int total = rounds(n);
        return total / blocks + (block < total % blocks ? 1 : 0);
    }

    /** The fixed pace at N in ms, or 0: calibrate. */
    long fixedPace(int n) {
        return paces.getOrDefault(n, 0L);
    }

    /**
     * The report's paragraphs on how it ran: machine, Ns, rounds, blocks in the order {@code alternation},
     * warm-up, what counts as lost, the pace used ({@code used}) and how it was chosen ({@code calibratedOn}:
     * whose warm-up latency).
     */
    String method(String alternation, String calibratedOn, Map<Integer, Long> used) {
        return String.format(
                "Run at %s, Java %s, %d cores.%n%n"
                        + "N = %s; rounds per N and side: %s, in %d block(s) per side (%s); %d one-at-a-time warm-up"
                        + " sends per block not counted; lost = (message, reader) pairs not received within %d s.%n%n"
                        + "Pace (one message every …): %s ms, %s.%n%n",
                Instant.now(),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ns,
                rounds,
                blocks,
                alternation,
                warmup,
                ScaleLoad.DELIVERY_TIMEOUT.toSeconds(),
                used,
                paces.isEmpty()
                        ? "calibrated: " + ScaleLoad.PACE_FACTOR + "× the median warm-up latency of " + calibratedOn
                                + ", at least " + ScaleLoad.MIN_PACE_MS + " ms"
                        : "fixed by -D" + prefix + ".pace-ms");
    }

    private static Map<Integer, Long> paces(String spec) {
        Map<Integer, Long> paces = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (!pair.isBlank()) {
                String[] nAndMs = pair.split(":");
                paces.put(Integer.parseInt(nAndMs[0].strip()), Long.parseLong(nAndMs[1].strip()));
            }
        }
        return paces;
    }
}

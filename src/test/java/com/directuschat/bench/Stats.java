package com.directuschat.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a sample of durations, in milliseconds. */
record Stats(String name, List<Double> millis) {

    static Stats of(String name, List<Long> nanos) {
        List<Double> ms = new ArrayList<>();
        nanos.forEach(n -> ms.add(n / 1_000_000.0));
        Collections.sort(ms);
        return new Stats(name, ms);
    }

    double percentile(double p) {
        int index = (int) Math.ceil(p / 100.0 * millis.size()) - 1;
        return millis.get(Math.max(0, Math.min(index, millis.size() - 1)));
    }

    double mean() {
        return millis.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}

package com.directuschat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The scale benchmarks' table (markdown) and plot (SVG, drawn by hand: log-scale N, log-scale latency). */
final class ScaleReport {

    /**
     * One side at one N, over all its blocks. {@code cpuOthers}: CPU seconds of the other processes measured (the
     * Directus processes, nginx), in the order of the table's {@code otherCpu} columns.
     */
    record Row(
            int n,
            String side,
            long paceMillis,
            Stats latency,
            long lost,
            long duplicated,
            double cpuOurs,
            List<Double> cpuOthers,
            Double heapKbPerSession,
            long rssKb,
            long threadsPeak,
            long threadsEnd) {}

    /** The table shows a p99 only from this many samples on. */
    static final int MIN_P99_SAMPLES = 100;

    private static final List<String> COLOURS = List.of("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e");

    private ScaleReport() {}

    /** The rows as a markdown table; a heap column only when some row has a heap figure. */
    static String table(List<Row> rows, List<String> otherCpu) {
        boolean heap = rows.stream().anyMatch(r -> r.heapKbPerSession() != null);
        StringBuilder out = new StringBuilder(
                "| N | side | pace | samples | last-stream p50 | last-stream p99 | lost | duplicated | CPU s ours");
        otherCpu.forEach(name -> out.append(" | CPU s ").append(name));
        out.append(heap ? " | heap/session" : "").append(" | RSS ours | threads ours, peak / end of window |\n");
        out.append("|---".repeat(11 + otherCpu.size() + (heap ? 1 : 0))).append("|\n");
        for (Row r : rows) {
            boolean any = !r.latency().millis().isEmpty();
            out.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %d ms | %d | %s | %s | %d | %d | %.1f",
                    r.n(),
                    r.side(),
                    r.paceMillis(),
                    r.latency().millis().size(),
                    any ? String.format(Locale.ROOT, "%.1f ms", r.latency().percentile(50)) : "—",
                    // p99 only from 100 samples on: below that it is the maximum or close to it.
                    r.latency().millis().size() >= MIN_P99_SAMPLES
                            ? String.format(Locale.ROOT, "%.1f ms", r.latency().percentile(99))
                            : "— (< " + MIN_P99_SAMPLES + " samples)",
                    r.lost(),
                    r.duplicated(),
                    r.cpuOurs()));
            r.cpuOthers().forEach(cpu -> out.append(String.format(Locale.ROOT, " | %.1f", cpu)));
            if (heap) {
                out.append(
                        r.heapKbPerSession() == null
                                ? " | —"
                                : String.format(Locale.ROOT, " | %.1f KiB", r.heapKbPerSession()));
            }
            out.append(String.format(
                    Locale.ROOT, " | %d MiB | %d / %d |%n", r.rssKb() / 1024, r.threadsPeak(), r.threadsEnd()));
        }
        return out.toString();
    }

    /** Prints the report, writes it to {@code markdown} and the plot of {@code rows} to {@code svg}. */
    static void write(
            String report,
            Path markdown,
            Path svg,
            List<Row> rows,
            List<String> sides,
            String directus,
            String rounds,
            Map<Integer, Long> paces) {
        System.out.println("\n" + report);
        try {
            Files.writeString(markdown, report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeSvg(
                svg,
                rows,
                sides,
                String.format(
                        "%s, %d cores, rounds per N and side: %s, %s; pace per N: %s",
                        Instant.now().toString().substring(0, 10),
                        Runtime.getRuntime().availableProcessors(),
                        rounds,
                        directus,
                        paces));
    }

    /** Last-stream p50 and p99 against N, one colour per side (at most four sides). */
    private static void writeSvg(Path file, List<Row> rows, List<String> sides, String subtitle) {
        List<Row> plotted =
                rows.stream().filter(r -> !r.latency().millis().isEmpty()).toList();
        TreeSet<Integer> ns = new TreeSet<>();
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        for (Row r : plotted) {
            ns.add(r.n());
            minMs = Math.min(minMs, r.latency().percentile(50));
            maxMs = Math.max(maxMs, r.latency().percentile(99));
        }
        if (ns.isEmpty()) {
            return;
        }
        double left = 80;
        double right = 620;
        double top = 60;
        double bottom = 380;
        Axis x = new Axis(Math.log10(ns.first()) - 0.15, Math.log10(ns.last()) + 0.15, left, right);
        Axis y = new Axis(Math.floor(Math.log10(minMs)), Math.ceil(Math.log10(maxMs) + 1e-9), bottom, top);
        StringBuilder svg = new StringBuilder();
        svg.append(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"880\" height=\"440\" viewBox=\"0 0 880 440\""
                        + " font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"880\" height=\"440\" fill=\"white\"/>\n");
        text(svg, 410, 22, "middle", 15, "Send → arrival on the last of N streams (p50 solid, p99 dashed)");
        text(svg, 410, 40, "middle", 11, subtitle);
        for (int n : ns) {
            line(svg, x.at(Math.log10(n)), top, x.at(Math.log10(n)), bottom, "#ddd", null);
            text(svg, x.at(Math.log10(n)), bottom + 16, "middle", 12, Integer.toString(n));
        }
        for (double decade = y.min; decade <= y.max; decade++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = Math.log10(m) + decade;
                if (v > y.max + 1e-9) {
                    break;
                }
                line(svg, left, y.at(v), right, y.at(v), m == 1 ? "#bbb" : "#eee", null);
                text(svg, left - 6, y.at(v) + 4, "end", 11, label(Math.pow(10, v)));
            }
        }
        line(svg, left, bottom, right, bottom, "black", null);
        line(svg, left, top, left, bottom, "black", null);
        text(svg, (left + right) / 2, bottom + 36, "middle", 13, "logged-in sessions / readers N (log scale)");
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\""
                        + " transform=\"rotate(-90 20 %.1f)\">latency, ms (log scale)</text>%n",
                (top + bottom) / 2,
                (top + bottom) / 2));
        for (int s = 0; s < sides.size(); s++) {
            String side = sides.get(s);
            List<Row> series =
                    plotted.stream().filter(r -> r.side().equals(side)).toList();
            for (double p : new double[] {50, 99}) {
                List<String> points = new ArrayList<>();
                for (Row r : series) {
                    double px = x.at(Math.log10(r.n()));
                    double py = y.at(Math.log10(r.latency().percentile(p)));
                    points.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
                    svg.append(String.format(
                            Locale.ROOT,
                            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                            px,
                            py,
                            COLOURS.get(s)));
                }
                svg.append(String.format(
                        Locale.ROOT,
                        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                        COLOURS.get(s),
                        p == 99 ? " stroke-dasharray=\"6 4\"" : "",
                        String.join(" ", points)));
            }
            double ly = top + 10 + s * 40;
            line(svg, 640, ly, 670, ly, COLOURS.get(s), "none");
            line(svg, 640, ly + 14, 670, ly + 14, COLOURS.get(s), "6 4");
            text(svg, 676, ly + 4, "start", 12, side + " p50");
            text(svg, 676, ly + 18, "start", 12, side + " p99");
        }
        svg.append("</svg>\n");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, svg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String label(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000) : String.format(Locale.ROOT, "%.0f", ms);
    }

    /** A thin line when {@code dash} is null, else a thick one with that dash pattern ("none": solid). */
    private static void line(
            StringBuilder svg, double x1, double y1, double x2, double y2, String colour, String dash) {
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                x1,
                y1,
                x2,
                y2,
                colour,
                dash == null ? "" : " stroke-width=\"2\" stroke-dasharray=\"" + dash + "\""));
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, int size, String text) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x,
                y,
                anchor,
                size,
                text.replace("&", "&amp;").replace("<", "&lt;")));
    }

    /** Maps a value (already log10) linearly onto pixels. */
    private record Axis(double min, double max, double from, double to) {
        double at(double v) {
            return from + (v - min) / (max - min) * (to - from);
        }
    }
}

package dev.visage.server.eval;

import dev.visage.server.bench.Table;
import dev.visage.server.eval.Evaluation.Identification;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What {@link Evaluation} measured, as tables for a terminal or for Markdown. */
public record EvaluationReport(Path folder, int persons, int photos, List<Path> photosWithoutFace,
    Verification verification, float threshold, Identification identification, List<String> heldOut) {

  /** The false accept rates the ROC is reported at (those the pairs can resolve). */
  static final double[] ROC_RATES = {0.1, 0.05, 0.02, 1e-2, 5e-3, 2e-3, 1e-3, 1e-4};

  public String summary() {
    return String.format(Locale.ROOT, "%d persons, %d photos in %s (%d without a usable face); %d genuine and %d "
            + "impostor pairs, so the smallest false accept rate they resolve is %s.",
        persons, photos, folder.getFileName(), photosWithoutFace.size(), verification.genuinePairs(),
        verification.impostorPairs(), rate(1.0 / verification.impostorPairs()));
  }

  /** Genuine and impostor similarity distributions. */
  public Table distributionTable() {
    Table table = new Table("pairs", "count", "mean", "std", "min", "5%", "median", "95%", "max");
    row(table, "genuine (same person)", verification.genuineDistribution());
    row(table, "impostor (different persons)", verification.impostorDistribution());
    return table;
  }

  private static void row(Table table, String label, Verification.Distribution d) {
    table.add(label, d.count(), f3(d.mean()), f3(d.std()), f3(d.min()), f3(d.p5()), f3(d.median()), f3(d.p95()), f3(d.max()));
  }

  /** Counts of pairs per similarity bin, a text picture of the two distributions. */
  public Table histogramTable() {
    float width = 0.1f;
    int[][] counts = verification.histogram(width);
    Table table = new Table("similarity", "genuine", "impostor");
    for (int bin = 0; bin < counts.length; bin++) {
      if (counts[bin][0] + counts[bin][1] > 0) {
        float low = -1 + bin * width;
        table.add(String.format(Locale.ROOT, "[%.1f, %.1f)", low, low + width), counts[bin][0], counts[bin][1]);
      }
    }
    return table;
  }

  /** TAR at each false accept rate, the equal error rate and the default threshold, with their thresholds. */
  public Table rocTable() {
    Table table = new Table("operating point", "threshold", "FAR", "TAR", "FRR");
    for (double rate : ROC_RATES) {
      Optional<Verification.Operating> point = verification.atFalseAcceptRate(rate);
      if (point.isPresent()) {
        operating(table, "TAR @ FAR " + rate(rate), point.get());
      } else {
        table.add("TAR @ FAR " + rate(rate), "-", "needs " + (int) Math.ceil(1 / rate) + " impostor pairs", "-", "-");
      }
    }
    Verification.Operating equal = verification.equalErrorRate();
    operating(table, "equal error rate: " + rate(equal.meanErrorRate()), equal);
    operating(table, "Visage's threshold", verification.at(threshold));
    return table;
  }

  private static void operating(Table table, String label, Verification.Operating point) {
    table.add(label, f4(point.threshold()), rate(point.falseAcceptRate()), f4(point.trueAcceptRate()), f4(point.falseRejectRate()));
  }

  /** Rank-1 accuracy, names given at the threshold, and strangers named. */
  public Table identificationTable() {
    Identification id = identification;
    Table table = new Table("identification", "value");
    table.add("people enrolled (first usable photo)", id.enrolled());
    table.add("people kept out (strangers)", persons - id.enrolled() + (heldOut.isEmpty() ? "" : " (" + heldOut.size() + " chosen: "
        + String.join(", ", heldOut) + ")"));
    table.add("probe photos of enrolled people", id.probes());
    table.add("rank-1 accuracy", String.format(Locale.ROOT, "%.4f (%d of %d)", id.rankOneAccuracy(), id.rankOneCorrect(), id.probes()));
    table.add("named correctly at the threshold", id.namedCorrectly() + " of " + id.probes()
        + " (lowest similarity " + f3(id.lowestCorrectSimilarity()) + ")");
    table.add("named as someone else", id.namedWrongly());
    table.add("probes with no face found", id.probesWithoutFace());
    table.add("stranger faces", id.strangerFaces());
    table.add("strangers wrongly named", String.format(Locale.ROOT, "%d (rate %.4f; closest stranger %s)", id.strangersNamed(),
        id.strangerNamedRate(), f3(id.closestStranger())));
    return table;
  }

  public String text() {
    return summary() + "\n\nSimilarity distributions\n" + distributionTable().text() + "\n" + histogramTable().text()
        + "\nVerification (threshold: accept a pair whose similarity is at least this)\n" + rocTable().text()
        + "\nIdentification at threshold " + f3(threshold) + "\n" + identificationTable().text();
  }

  public String markdown() {
    return summary() + "\n\n" + distributionTable().markdown() + "\n" + histogramTable().markdown() + "\n" + rocTable().markdown() + "\n"
        + "Identification at threshold " + f3(threshold) + ":\n\n" + identificationTable().markdown();
  }

  private static String f3(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String f4(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String rate(double value) {
    if (value == 0) {
      return "0";
    }
    return value >= 0.01 ? String.format(Locale.ROOT, "%.3f", value) : String.format(Locale.ROOT, "%.1e", value);
  }
}

package dev.graft.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.GoldenImage;
import dev.graft.catalog.CostLearning;
import dev.graft.config.DefaultWeights;
import dev.graft.planner.Calibration;
import dev.graft.planner.CostLearner;
import dev.graft.planner.PlanInputException;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft weights}: the cost model the operator learns, from a file of GoldenImages (their
 * {@code status.timings}, e.g. {@code kubectl get gi -A -o yaml}), without a cluster: the same
 * learner the operator runs, beside the default weights.
 */
@Command(
    name = "weights",
    mixinStandardHelpOptions = true,
    description = "Fit the planner weights and clone times to measured builds (GoldenImages).")
public final class WeightsCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description =
          "GoldenImages as YAML or JSON: a List (kubectl get gi -A -o yaml) or one; - reads"
              + " standard input.")
  String input;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Override
  public Integer call() {
    CostLearning learning = new CostLearning();
    List<GoldenImage> images = read();
    images.forEach(learning::remember);
    PrintWriter out = spec.commandLine().getOut();
    out.print(report(learning, images.size(), DefaultWeights.get()));
    out.flush();
    return 0;
  }

  /** The learned weights beside {@code configured}, and the clone fits, as text tables. */
  static String report(CostLearning learning, int images, Weights configured) {
    CostLearner learner = learning.learner();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%d GoldenImages, %d measured injections, clone samples: %s%n",
            images,
            learner.injectionSamples(),
            learner.cloneKeys()));
    Calibration.Fit fit = learning.fit(configured);
    TextTable t = new TextTable("WEIGHT", "CONFIGURED", "LEARNED", "IN USE");
    Weights learned = fit == null ? null : fit.weights();
    row(t, "perBuild", configured.perBuild(), learned == null ? null : learned.perBuild());
    row(
        t,
        "missingBytes",
        configured.missingBytes(),
        learned == null ? null : learned.missingBytes());
    row(t, "inject", configured.inject(), learned == null ? null : learned.inject());
    row(t, "remove", configured.remove(), learned == null ? null : learned.remove());
    row(t, "excessBytes", configured.excessBytes(), null);
    sb.append(t.render()).append('\n');
    if (fit == null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "fewer than %d measured injections: the operator plans with the configured weights%n",
              CostLearning.MIN_SAMPLES));
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "fit of the write part: rms error %.3f s over %d builds%n",
              fit.rmsErrorSeconds(),
              fit.samples()));
    }
    TextTable c = new TextTable("STORAGE CLASS", "CLONE METHOD", "SAMPLES", "FIXED S", "S PER GB");
    for (String key : learner.cloneKeys()) {
      int slash = key.lastIndexOf('/');
      CostLearner.CloneFit f = learner.clone(key.substring(0, slash), key.substring(slash + 1));
      c.row(
          key.substring(0, slash),
          key.substring(slash + 1),
          String.valueOf(f.samples()),
          String.format(Locale.ROOT, "%.2f", f.fixedSeconds()),
          String.format(Locale.ROOT, "%.3f", f.secondsPerByte() * 1e9));
    }
    sb.append(c.render()).append('\n');
    return sb.toString();
  }

  private static void row(TextTable t, String name, double configured, Double learned) {
    t.row(
        name,
        num(configured),
        learned == null ? "-" : num(learned),
        num(learned == null ? configured : learned));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  private List<GoldenImage> read() {
    String text;
    try {
      text = InputFiles.read(input);
    } catch (IOException e) {
      throw new PlanInputException("--input", InputFiles.cannotRead(input, e));
    }
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new PlanInputException("--input", "not YAML or JSON: " + e.getMessage());
    }
    List<JsonNode> items = new ArrayList<>();
    if (root != null && root.has("items")) {
      root.get("items").forEach(items::add);
    } else if (root != null) {
      items.add(root);
    }
    List<GoldenImage> images = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!"GoldenImage".equals(item.path("kind").asText())) {
        continue; // other kinds in a List are not builds
      }
      try {
        images.add(YAML.treeToValue(item, GoldenImage.class));
      } catch (IOException e) {
        throw new PlanInputException("items[" + i + "]", "not a GoldenImage: " + e.getMessage());
      }
    }
    return images;
  }
}

package dev.graft.planner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders a plan as plan-format JSON, a Graphviz lineage graph, or a table for people. */
public final class PlanWriter {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanWriter() {}

  public static String json(Plan plan) {
    try {
      return MAPPER.writeValueAsString(plan) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lineage: images (boxes) and requests (ellipses), edges labelled +added/-removed and cost. */
  public static String dot(Plan plan) {
    StringBuilder sb = new StringBuilder("digraph plan {\n  rankdir=LR;\n");
    sb.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
    Set<String> images = new LinkedHashSet<>();
    plan.builds().stream()
        .filter(b -> b.fromKind() == Plan.SourceKind.image)
        .forEach(b -> images.add(b.from()));
    plan.reuses().stream().filter(r -> r.image() != null).forEach(r -> images.add(r.image()));
    for (String image : images) {
      sb.append("  ").append(quote("image:" + image));
      sb.append(" [shape=box, style=filled, fillcolor=\"#dde8f5\", label=");
      sb.append(quote(image)).append("];\n");
    }
    for (Plan.Build b : plan.builds()) {
      sb.append("  ").append(quote("request:" + b.request()));
      sb.append(" [shape=ellipse, label=").append(quote(b.request())).append("];\n");
      String from = (b.fromKind() == Plan.SourceKind.image ? "image:" : "request:") + b.from();
      sb.append("  ").append(quote(from)).append(" -> ").append(quote("request:" + b.request()));
      sb.append(" [label=")
          .append(quote("+" + b.add().size() + " -" + b.remove().size() + "\n" + num(b.cost())))
          .append("];\n");
    }
    for (Plan.Reuse r : plan.reuses()) {
      sb.append("  ").append(quote("request:" + r.request()));
      sb.append(" [shape=ellipse, style=dashed, label=").append(quote(r.request())).append("];\n");
      String from = r.image() != null ? "image:" + r.image() : "request:" + r.sameAs();
      sb.append("  ").append(quote(from)).append(" -> ").append(quote("request:" + r.request()));
      sb.append(" [style=dashed, label=\"reuse\"];\n");
    }
    return sb.append("}\n").toString();
  }

  /** One row per request: how it is served, from what, files added and removed, cost. */
  public static String table(Plan plan) {
    TextTable t = new TextTable("REQUEST", "ACTION", "FROM", "ADD", "REMOVE", "COST", "DEPTH");
    for (Plan.Build b : plan.builds()) {
      t.row(
          b.request(),
          "build",
          b.from() + (b.fromKind() == Plan.SourceKind.request ? " (planned)" : ""),
          String.valueOf(b.add().size()),
          String.valueOf(b.remove().size()),
          num(b.cost()),
          String.valueOf(b.depth()));
    }
    for (Plan.Reuse r : plan.reuses()) {
      t.row(
          r.request(),
          r.image() != null ? "reuse" : "same as",
          r.image() != null ? r.image() : r.sameAs(),
          "0",
          "0",
          "0",
          String.valueOf(r.depth()));
    }
    return t.render()
        + "total cost "
        + num(plan.totalCost())
        + " for "
        + plan.builds().size()
        + " builds, "
        + plan.reuses().size()
        + " reuses\n";
  }

  /** Total cost of every strategy side by side, as ratios to the optimal one. */
  public static String compare(Map<Strategy, Plan> plans) {
    double optimal = plans.get(Strategy.OPTIMAL).totalCost();
    TextTable t = new TextTable("STRATEGY", "BUILDS", "REUSES", "TOTAL COST", "VS OPTIMAL");
    plans.forEach(
        (strategy, plan) ->
            t.row(
                strategy.id(),
                String.valueOf(plan.builds().size()),
                String.valueOf(plan.reuses().size()),
                num(plan.totalCost()),
                optimal == 0
                    ? (plan.totalCost() == 0 ? "1.00x" : "inf")
                    : String.format(Locale.ROOT, "%.2fx", plan.totalCost() / optimal)));
    return t.render();
  }

  static String num(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}

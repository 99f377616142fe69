package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanCommandTest {
  @TempDir Path dir;

  private static final String GOOD =
      """
      {"files": [{"id": "f1", "path": "/etc/a", "size": 2048, "injectCost": 5},
                 {"id": "f2", "path": "/etc/b", "size": 10}],
       "images": [{"name": "base", "os": "fedora-40", "files": []},
                  {"name": "web", "os": "fedora-40", "files": ["f1"]}],
       "requests": [{"name": "web-1", "os": "fedora-40", "files": ["f1", "f2"]},
                    {"name": "web-2", "os": "fedora-40", "files": ["f1"]}]}
      """;

  record Result(int status, String out, String err) {}

  private Result run(String json, String... extra) throws IOException {
    Path input = dir.resolve("input.json");
    Files.writeString(input, json);
    String[] args = new String[extra.length + 3];
    args[0] = "plan";
    args[1] = "--input";
    args[2] = input.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = GraftCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void printsThePlanFormatJson() throws IOException {
    Result r = run(GOOD);
    assertThat(r.status()).isZero();
    JsonNode plan = new ObjectMapper().readTree(r.out());
    assertThat(plan.get("totalCost").asDouble()).isEqualTo(10.0);
    assertThat(plan.at("/builds/0/from").asText()).isEqualTo("web");
    assertThat(plan.at("/builds/0/add/0").asText()).isEqualTo("f2");
    assertThat(plan.at("/reuses/0/image").asText()).isEqualTo("web");
    assertThat(plan.at("/reuses/0/sameAs").isMissingNode()).isTrue();
  }

  @Test
  void tableDotAndCompareFormats() throws IOException {
    assertThat(run(GOOD, "--format", "table").out()).contains("web-1", "build", "total cost 10");
    assertThat(run(GOOD, "--format", "dot").out())
        .startsWith("digraph plan {")
        .contains("\"image:web\" -> \"request:web-1\" [label=\"+1 -0\\n10\"]");
    assertThat(run(GOOD, "--compare").out())
        .contains("optimal", "nearest", "exact-only", "base-only", "VS OPTIMAL");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          malformed JSON   | {"files": [                                                      | input: malformed JSON at line
          unknown file id  | {"images":[{"name":"b","os":"x","files":["nope"]}]}             | images[0].files[0]: unknown file id "nope"
          duplicate image  | {"images":[{"name":"b","os":"x"},{"name":"b","os":"x"}]}        | images[1].name: duplicate image name "b"
          unknown os       | {"images":[{"name":"b","os":"x"}],"requests":[{"name":"r","os":"y"}]} | requests[0].os: no image has os "y" (request "r")
          negative size    | {"files":[{"id":"f","size":-5}]}                                 | files[0].size: must be >= 0, got -5
          unknown field    | {"imagez":[]}                                                    | imagez: unknown field, expected one of
          wrong type       | {"files":[{"id":"f","size":"big"}]}                              | files[0].size: Cannot deserialize value of type `java.lang.Long`
          negative weight  | {"weights":{"remove":-1}}                                        | weights.remove: must be a finite number >= 0, got -1.0
          missing name     | {"images":[{"os":"x"}]}                                          | images[0].name: required, got nothing
          duplicate file   | {"files":[{"id":"f"},{"id":"f"}]}                                | files[1].id: duplicate file id "f"
          zero maxDepth    | {"maxDepth":0}                                                   | maxDepth: must be an integer >= 1, got 0
          negative depth   | {"images":[{"name":"b","os":"x","depth":-1}]}                    | images[0].depth: must be >= 0, got -1
          request depth    | {"images":[{"name":"b","os":"x"}],"requests":[{"name":"r","os":"x","depth":1}]} | requests[0].depth: a request's depth is decided by the plan, got 1
          all too deep     | {"maxDepth":2,"files":[{"id":"f"}],"images":[{"name":"b","os":"x","depth":2}],"requests":[{"name":"r","os":"x","files":["f"]}]} | maxDepth: no image of os "x" is shallower than maxDepth 2
          """)
  void badInputExitsTwoWithOneLineNamingTheField(String name, String json, String message)
      throws IOException {
    Result r = run(json);
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("graft plan: " + message.strip());
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void maxDepthBoundsTheChainsAndEveryChoiceSaysItsDepth() throws IOException {
    // Unbounded: web-2 is a hit at depth 3, web-1 from it at 4. maxDepth 3: web is too deep to be a
    // source, so web-1 is built from base (depth 1) at a higher cost.
    String deep =
        GOOD.replaceFirst(
            java.util.regex.Pattern.quote("\"files\": [\"f1\"]}]"),
            "\"files\": [\"f1\"], \"depth\": 3}]");
    JsonNode free = new ObjectMapper().readTree(run(deep).out());
    assertThat(free.at("/builds/0/from").asText()).isEqualTo("web");
    assertThat(free.at("/builds/0/depth").asInt()).isEqualTo(4);
    assertThat(free.at("/reuses/0/depth").asInt()).isEqualTo(3);
    JsonNode bounded =
        new ObjectMapper().readTree(run(deep.replaceFirst("\\{", "{\"maxDepth\": 3, ")).out());
    assertThat(bounded.at("/builds/0/from").asText()).isEqualTo("base");
    assertThat(bounded.at("/builds/0/depth").asInt()).isEqualTo(1);
    assertThat(bounded.get("totalCost").asDouble()).isEqualTo(2048 + 5 + 10);
  }

  @Test
  void unknownStrategyNamesTheValidOnes() throws IOException {
    Result r = run(GOOD, "--strategy", "cheapest");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("strategy: unknown strategy \"cheapest\"", "optimal", "base-only");
  }

  @Test
  void missingFileIsBadInput() {
    StringWriter err = new StringWriter();
    int status =
        GraftCommand.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "plan",
            "--input",
            "/nope.json");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--input: cannot read \"/nope.json\"");
  }
}

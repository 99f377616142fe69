package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Three-way patches: the writer's fields move, its dropped fields go, others' fields stay. */
class MergePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  private static String patch(String was, String want, String is) throws Exception {
    return MergePatch.threeWay(was == null ? null : json(was), json(want), json(is))
        .toString()
        .replace('"', '\'');
  }

  @Test
  void changesTheWritersFieldsAndLeavesOthersAlone() throws Exception {
    String was = "{'a':1,'m':{'x':1,'gone':true},'l':[1,2]}";
    String want = "{'a':2,'m':{'x':1},'l':[1,2,3]}";
    String is = "{'a':1,'m':{'x':1,'gone':true,'theirs':5},'l':[1,2],'other':7}";
    assertThat(patch(was, want, is)).isEqualTo("{'a':2,'m':{'gone':null},'l':[1,2,3]}");
  }

  @Test
  void nothingToDoWhenTheObjectHoldsWhatTheWriterWants() throws Exception {
    assertThat(patch("{'a':1}", "{'a':1}", "{'a':1,'b':2}")).isEqualTo("{}");
  }

  @Test
  void aListAWebhookCompletedIsNotFoughtOverButDriftOfScalarsIs() throws Exception {
    // The writer's list did not change: the live list (completed by someone) stays.
    assertThat(
            patch(
                "{'l':[{'n':1}],'s':'x'}",
                "{'l':[{'n':1}],'s':'x'}",
                "{'l':[{'n':1,'d':2}],'s':'y'}"))
        .isEqualTo("{'s':'x'}");
    // Without a record, a differing list is the writer's.
    assertThat(patch(null, "{'l':[1]}", "{'l':[2]}")).isEqualTo("{'l':[1]}");
  }

  @Test
  void jsonPatchAddsRemovesAndEscapes() throws Exception {
    var merge =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json(
                "{'metadata':{'annotations':{'graft.dev/image':'a/b','old':null}},'spec':{'l':[1]}}");
    String ops =
        MergePatch.toJsonPatch(merge, json("{'metadata':{'annotations':{'old':'1'}},'spec':{}}"))
            .toString()
            .replace('"', '\'');
    assertThat(ops)
        .isEqualTo(
            "[{'op':'add','path':'/metadata/annotations/graft.dev~1image','value':'a/b'},"
                + "{'op':'remove','path':'/metadata/annotations/old'},"
                + "{'op':'add','path':'/spec/l','value':[1]}]");
  }
}

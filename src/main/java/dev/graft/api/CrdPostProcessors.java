package dev.graft.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * The CRD generation's post-processing (quarkus.operator-sdk.crd.post-processor takes one class):
 * file lists become maps keyed by path ({@link FileListsAreMaps}), printer columns keep their
 * declared order ({@link PrinterColumnsAsDeclared}).
 */
public class CrdPostProcessors implements CRDPostProcessor {
  private static final List<CRDPostProcessor> STEPS =
      List.of(new FileListsAreMaps(), new PrinterColumnsAsDeclared());

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    HasMetadata out = crd;
    for (CRDPostProcessor step : STEPS) {
      out = step.process(out, crdSpecVersion);
    }
    return out;
  }
}
